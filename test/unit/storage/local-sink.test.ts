import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { BadKeyError, checkKey, LocalSink, manifestKey } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("local sink", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeboat-local-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("stores an object with its size and sha256", async () => {
    const sink = new LocalSink(dir);
    const data = Buffer.from("hello archive");
    const stored = await sink.put("runs/a/r1/volumes/v.tar", Readable.from([data]));
    expect(stored).toEqual({
      key: "runs/a/r1/volumes/v.tar",
      bytes: data.length,
      sha256: createHash("sha256").update(data).digest("hex"),
    });
    expect(await sink.head(stored.key)).toEqual({ bytes: data.length });
  });

  it("leaves nothing behind, not even the temporary file, when the source fails", async () => {
    const sink = new LocalSink(dir);
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(1000));
    setImmediate(() => source.destroy(new Error("connection lost")));
    await expect(sink.put("runs/a/r2/volumes/v.tar", source)).rejects.toThrow("connection lost");
    expect(await readdir(join(dir, "runs", "a", "r2", "volumes"))).toEqual([]);
    expect(await sink.list("runs/a/r2/")).toEqual([]);
  });

  it("stops reading the source when it cannot write, so whatever produces it can stop too", async () => {
    const sink = new LocalSink(dir);
    await writeFile(join(dir, "blocked"), "a file where the sink wants a directory");
    const source = new Readable({
      read() {
        this.push(Buffer.alloc(1000)); // endless, like a remote command still producing
      },
    });
    await expect(sink.put("blocked/r3/volumes/v.tar", source)).rejects.toThrow();
    expect(source.destroyed).toBe(true);
  });

  it("refuses keys that could leave their directory", () => {
    for (const bad of ["../x", "runs/../../etc", "/abs", "a//b", "a/.hidden", "a b"]) {
      expect(() => checkKey(bad)).toThrow(BadKeyError);
    }
    expect(() => manifestKey("web 1", "run")).toThrow(/droplet name/);
    expect(manifestKey("web-1", "nightly-20261129T030000Z")).toBe("runs/web-1/nightly-20261129T030000Z/manifest.json");
  });
});
