/**
 * One archive from the droplet to storage: a command writes it to stdout, it is compressed on
 * the droplet (`command | zstd`/`gzip`, ./compression.ts) and streamed into the run's writer,
 * which hashes and stores it as it arrives. Nothing is buffered. Images (./images.ts) and
 * volume tars (./volumes.ts, the command from ./volume-tar.ts) both come this way.
 */
import { type Compression, compressStage } from "./compression";
import type { ArchiveWriter, StoredObject } from "./ports";
import type { RemoteSession } from "./session";
import { bash, join, type Shell } from "./shell";

export interface StreamArchiveOptions {
  session: RemoteSession;
  /** Writes the archive, uncompressed, to stdout on the droplet. */
  command: Shell;
  compression: Compression;
  /** This run's storage. */
  writer: ArchiveWriter;
  /** Where in the run it goes: images/ or volumes/, as `fileName` ("web.tar.zst"). */
  kind: "image" | "volume";
  fileName: string;
  /** What it is, for errors ("save web", "archive volume data"). */
  what: string;
}

/**
 * @example await streamArchive({ session, command: sh`docker export web`, compression: "zstd", writer, kind: "image", fileName: "web.tar.zst", what: "export web" })
 */
export function streamArchive(options: StreamArchiveOptions): Promise<StoredObject> {
  const stage = compressStage(options.compression);
  const command = stage ? bash(join([options.command, stage], " | ")) : options.command;
  const { output } = options.session.stream(command, { what: options.what });
  return options.writer.putArchive(options.kind, options.fileName, output);
}
