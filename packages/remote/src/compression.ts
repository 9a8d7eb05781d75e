/**
 * Archives are compressed on the droplet (less to send): zstd when it is installed there,
 * else gzip. "none" exists for measuring the raw stream.
 */
import type { RemoteSession } from "./session";
import { type Shell, sh } from "./shell";

export type Compression = "zstd" | "gzip" | "none";

/** zstd when the droplet has it, else gzip. */
export async function detectCompression(session: RemoteSession): Promise<Compression> {
  const found = await session.run(sh`command -v zstd`, { what: "look for zstd", check: false });
  return found.code === 0 ? "zstd" : "gzip";
}

/** The pipeline stage that compresses stdin to stdout ("" for none). */
export function compressStage(compression: Compression): Shell | undefined {
  if (compression === "zstd") return sh`zstd -q -c -T0`;
  if (compression === "gzip") return sh`gzip -c`;
  return undefined;
}

/** The pipeline stage that decompresses stdin to stdout. */
export function decompressStage(compression: Compression): Shell {
  if (compression === "zstd") return sh`zstd -q -d -c`;
  if (compression === "gzip") return sh`gzip -d -c`;
  return sh`cat`;
}

export const extensionOf = (compression: Compression) =>
  compression === "zstd" ? ".tar.zst" : compression === "gzip" ? ".tar.gz" : ".tar";
