/** verify names an archive the store breaks off while it is read back, and still reads the others. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { LocalSink, runWriter, storeVerifier, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A tar of one empty directory entry "./" and the end blocks, as `tar c` writes them. */
function emptyTar(): Buffer {
  const header = Buffer.alloc(512);
  header.write("./", 0);
  header.write("0000755\0", 100);
  header.write("00000000000\0", 124);
  header.write("        ", 148);
  header.write("5", 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return Buffer.concat([header, Buffer.alloc(1024)]);
}

/** A store whose reads of one key break off after the first chunk. */
class BreakingSink extends LocalSink {
  constructor(
    directory: string,
    private readonly breaks: string,
  ) {
    super(directory);
  }
  override async get(key: string): Promise<Readable> {
    if (key !== this.breaks) return super.get(key);
    return Readable.from(
      (async function* () {
        yield Buffer.alloc(10);
        throw new Error("connection reset by the store");
      })(),
    );
  }
}

describe("verify: an archive the store breaks off", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "verify-break-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("is named with the store's error; the next archive is still read and holds", async () => {
    const sink = new LocalSink(dir);
    const writer = runWriter(sink, { droplet: "web", runId: "r1" });
    const a = await writer.putArchive("volume", "a.tar.gz", Readable.from([gzipSync(emptyTar())]));
    const b = await writer.putArchive("volume", "b.tar.gz", Readable.from([gzipSync(emptyTar())]));
    await writeManifest(sink, {
      runId: "r1",
      plan: "p",
      droplet: "web",
      createdAt: new Date().toISOString(),
      containers: [],
      volumes: [
        { volume: "a", usedBy: [], compression: "gzip", ...a },
        { volume: "b", usedBy: [], compression: "gzip", ...b },
      ],
    });
    const findings = await storeVerifier(new BreakingSink(dir, a.key)).runs("web", {
      readData: 1,
      seed: 1,
      prune: false,
      now: Date.now(),
    });
    expect(findings.filter((f) => f.check === "data").map((f) => [f.item, f.ok, f.detail])).toEqual([
      [a.key, false, "could not be read back: connection reset by the store"],
      [b.key, true, expect.stringMatching(/^sha256 matches \(\d+ bytes\), a tar of 1 entries$/)],
    ]);
  });
});
