/**
 * The local sink (the embedded default): files in a directory. Each object is written to a
 * temporary name beside its final one and renamed only when complete, so a reader never sees
 * a partial archive and a failure leaves nothing behind.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { hashingOf } from "./hashing";
import { checkKey } from "./layout";
import type { ListedObject, Sink, StoredObject } from "./sink";

const TEMP_MARK = ".lifeboat-partial-";

export class LocalSink implements Sink {
  readonly location: string;

  constructor(private readonly directory: string) {
    this.location = directory;
  }

  private path(key: string): string {
    return join(this.directory, ...checkKey(key).split("/"));
  }

  async put(key: string, body: Readable): Promise<StoredObject> {
    // Attach to the source at once: it may fail while the directory is being made.
    const hashing = hashingOf(body);
    const path = this.path(key);
    const temp = `${path}${TEMP_MARK}${randomBytes(6).toString("hex")}`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await pipeline(hashing, createWriteStream(temp, { flags: "wx", highWaterMark: 1 << 18 }));
      await rename(temp, path);
    } catch (error) {
      // Stop the source too: left unread it never ends, and the command producing it on the
      // droplet stays blocked (destroying a session's stream aborts its command).
      body.destroy();
      hashing.destroy();
      await rm(temp, { force: true });
      throw error;
    }
    return { key, bytes: hashing.bytes, sha256: hashing.digest() };
  }

  async get(key: string): Promise<Readable> {
    const path = this.path(key);
    await stat(path); // reject now (ENOENT) rather than on first read
    return createReadStream(path);
  }

  async head(key: string): Promise<{ bytes: number } | undefined> {
    try {
      return { bytes: (await stat(this.path(key))).size };
    } catch {
      return undefined;
    }
  }

  async list(prefix: string, options: { limit?: number } = {}): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile() && !entry.name.includes(TEMP_MARK)) {
          const key = relative(this.directory, full).split(sep).join("/");
          if (!key.startsWith(prefix)) continue;
          const s = await stat(full);
          out.push({ key, bytes: s.size, lastModified: s.mtime });
        }
      }
    };
    await walk(this.startOf(prefix));
    out.sort((a, b) => (a.key < b.key ? -1 : 1));
    return options.limit === undefined ? out : out.slice(0, options.limit);
  }

  /** The directory a listing of `prefix` starts in: the prefix's own when its path is a checked key, else the store's. */
  private startOf(prefix: string): string {
    const dir = prefix.slice(0, Math.max(0, prefix.lastIndexOf("/")));
    try {
      return dir ? this.path(dir) : this.directory;
    } catch {
      return this.directory;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
