import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

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
