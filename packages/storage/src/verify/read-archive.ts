/**
 * Reads one archive back from the store, once: its bytes are counted and hashed as they come,
 * and the same bytes are decompressed and walked as a tar. Memory stays bounded (stream
 * backpressure; the tar walk keeps one header). When the archive is not readable, the rest is
 * still read for its sha256, so the report says both.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import type { Readable } from "node:stream";
import type { ReadBack } from "@lifeboat/core";
import { type ArchiveCompression, decoderFor } from "./decoder";
import { TarWalk } from "./tar-walk";

/** Feeds `decoder` → TarWalk; resolves to the problem with the archive, if any. */
function walkTar(decoder: NodeJS.WritableStream & Readable): { done: Promise<string | undefined>; tar: TarWalk } {
  const tar = new TarWalk();
  const done = new Promise<string | undefined>((resolve) => {
    let failed: string | undefined;
    decoder.on("error", (e: Error) => {
      failed ??= `cannot decompress: ${e.message}`;
      resolve(failed);
    });
    tar.on("finish", () => resolve(failed ?? tar.verdict()));
    decoder.pipe(tar);
  });
  return { done, tar };
}

/**
 * @example const read = await readArchive(await sink.get(key), "zstd") // { bytes, sha256, entries }
 */
export async function readArchive(body: Readable, compression: ArchiveCompression): Promise<ReadBack> {
  const hash = createHash("sha256");
  let bytes = 0;
  const decoder = decoderFor(compression);
  const walk = "stream" in decoder ? walkTar(decoder.stream as NodeJS.WritableStream & Readable) : undefined;
  let unreadable: string | undefined;
  walk?.done.then((problem) => {
    unreadable ??= problem;
  });
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      if (walk && unreadable === undefined && "stream" in decoder && !decoder.stream.destroyed) {
        if (!decoder.stream.write(chunk)) {
          // Wait for the decoder, or for it to fail (then the rest is only hashed).
          await Promise.race([once(decoder.stream, "drain").catch(() => undefined), walk.done]);
        }
      }
    }
  } catch (error) {
    // The store broke off: stop the decoder (a zstd process is killed with it).
    if ("stream" in decoder) decoder.stream.destroy();
    throw error;
  }
  if (walk && "stream" in decoder) {
    if (!decoder.stream.destroyed) decoder.stream.end();
    unreadable ??= await walk.done;
  }
  return {
    bytes,
    sha256: hash.digest("hex"),
    ...(walk ? { entries: walk.tar.entries } : {}),
    ...(unreadable ? { unreadable } : {}),
    ...("missing" in decoder ? { notChecked: decoder.missing } : {}),
  };
}
