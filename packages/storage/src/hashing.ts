import { createHash } from "node:crypto";
import { type Readable, Transform, type TransformCallback } from "node:stream";

/** Passes bytes through while counting them and computing their sha256. */
export class HashingStream extends Transform {
  private readonly hash = createHash("sha256");
  constructor() {
    super({ highWaterMark: 1 << 18 });
  }
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  /** The hex digest; call once, after the stream ended. */
  digest(): string {
    return this.hash.digest("hex");
  }
}

/**
 * `body` piped through a HashingStream, attached at once (a source may fail before its reader
 * is ready). A failing source destroys the hashing stream with its error; that error is left to
 * whoever reads the hashing stream (a pipeline, an upload), which sees it errored.
 */
export function hashingOf(body: Readable): HashingStream {
  const hashing = new HashingStream();
  body.on("error", (e) => hashing.destroy(e));
  hashing.on("error", () => undefined);
  body.pipe(hashing);
  return hashing;
}
