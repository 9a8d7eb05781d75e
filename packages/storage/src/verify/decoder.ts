/**
 * What decompresses an archive while verify reads it back. gzip: Node's zlib. zstd: Node's
 * zlib when it has it (`zlib.createZstdDecompress`, Node ≥ 22.15 / 23.8, which includes the
 * Lambda nodejs22.x runtime's current Node 22), else the `zstd` command when it is on PATH (the
 * CLI supports Node ≥ 20.19, whose zlib has no zstd). No pure-JS zstd decoder is used: they are
 * several times slower than either, and verify reads gigabytes.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { Duplex, PassThrough, type Transform } from "node:stream";
import * as zlib from "node:zlib";

/**
 * zlib's default 16 KiB output chunks cost a stream callback each (2 GB of tar is 131,072 of
 * them): with 256 KiB, `bench drill`'s verify read went from 73 to 122 MB/s.
 */
const DECODE_CHUNK_BYTES = 256 * 1024;

export type ArchiveCompression = "zstd" | "gzip" | "none";

type ZlibWithZstd = typeof zlib & { createZstdDecompress?: (options?: { chunkSize?: number }) => Transform };

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

/** The `zstd -d` process as a duplex stream: bytes in on stdin, the archive out on stdout. */
function zstdProcess(): Duplex {
  const child = spawn("zstd", ["-q", "-d", "-c"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    if (stderr.length < 2000) stderr += d.toString("utf8");
  });
  const duplex = Duplex.from({ writable: child.stdin, readable: child.stdout });
  child.on("close", (code) => {
    if (code !== 0) duplex.destroy(new Error(`zstd -d failed (exit ${code}): ${stderr.trim() || "no message"}`));
  });
  duplex.on("close", () => {
    if (child.exitCode === null) child.kill();
  });
  return duplex;
}

/**
 * A stream that decompresses `compression`, or the reason there is none here.
 * @example const d = decoderFor("zstd"); if ("stream" in d) source.pipe(d.stream)
 */
export function decoderFor(compression: ArchiveCompression): { stream: Duplex } | { missing: string } {
  if (compression === "none") return { stream: new PassThrough() };
  if (compression === "gzip") return { stream: zlib.createGunzip({ chunkSize: DECODE_CHUNK_BYTES }) };
  const native = (zlib as ZlibWithZstd).createZstdDecompress;
  if (native) return { stream: native({ chunkSize: DECODE_CHUNK_BYTES }) };
  if (onPath("zstd")) return { stream: zstdProcess() };
  return {
    missing: `no zstd decoder here (Node ${process.versions.node} has none; Node ≥ 22.15 or the zstd command has one), so only its sha256 was checked`,
  };
}
