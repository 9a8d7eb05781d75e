/**
 * A streaming walk over a tar's headers: counts the entries, checks each header's checksum,
 * skips the data, and says whether the archive ended with tar's end-of-archive blocks. It keeps
 * at most one 512-byte header in memory, whatever the archive's size. Written here rather than
 * taken from a library: listing is all verify needs (no extraction, no path handling), it is
 * ~80 lines, and the one tar library in node_modules (tar-stream) is only a build tool's
 * transitive dependency.
 */
import { Writable } from "node:stream";

const BLOCK = 512;

/** The header's size field: octal text, or GNU's base-256 (high bit set) for sizes ≥ 8 GiB. */
function sizeOf(header: Buffer): number {
  const field = header.subarray(124, 136);
  if ((field[0]! & 0x80) !== 0) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = field.toString("latin1").replace(/\0.*$/s, "").trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}

/** Whether the header's checksum field matches its bytes (the field itself counted as spaces). */
function checksumHolds(header: Buffer): boolean {
  const stated = Number.parseInt(header.subarray(148, 156).toString("latin1").replace(/\0.*$/s, "").trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return sum === stated;
}

/** Entry types that describe the next entry (GNU long names, pax headers) rather than being one. */
const META_TYPES = new Set(["L", "K", "x", "g"]);

export class TarWalk extends Writable {
  /** Entries seen (files, directories, links; not the pax/GNU headers that describe them). */
  entries = 0;
  /** True once the end-of-archive (a zero block) was read. */
  ended = false;
  /** Why the stream is not a tar, when it is not. */
  problem?: string;
  private header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Bytes of entry data (padded to blocks) still to skip. */
  private skip = 0;

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    let at = 0;
    while (at < chunk.length && !this.ended && !this.problem) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
      chunk.copy(this.header, this.headerFill, at, at + n);
      this.headerFill += n;
      at += n;
      if (this.headerFill === BLOCK) this.onHeader();
    }
    done();
  }

  private onHeader(): void {
    this.headerFill = 0;
    if (this.header.every((b) => b === 0)) {
      this.ended = true;
      return;
    }
    if (!checksumHolds(this.header)) {
      this.problem = `tar header ${this.entries + 1} has a bad checksum (not a tar, or damaged)`;
      return;
    }
    const size = sizeOf(this.header);
    if (!Number.isFinite(size) || size < 0) {
      this.problem = `tar header ${this.entries + 1} has no valid size`;
      return;
    }
    const type = String.fromCharCode(this.header[156]!);
    if (!META_TYPES.has(type)) this.entries += 1;
    this.skip = Math.ceil(size / BLOCK) * BLOCK;
  }

  /** After the stream ended: the problem with the tar, if any. */
  verdict(): string | undefined {
    if (this.problem) return this.problem;
    if (!this.ended) return `the tar ends after ${this.entries} entries without its end-of-archive blocks (truncated)`;
    return undefined;
  }
}
