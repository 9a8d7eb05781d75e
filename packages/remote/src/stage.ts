/**
 * Restores never extract unverified bytes: the archive is first copied to a temporary file on
 * the droplet, its sha256 checked on both ends against the manifest, and only then used.
 */
import { createHash } from "node:crypto";
import { type Readable, Transform } from "node:stream";
import { absolutePath } from "./names";
import type { RemoteSession } from "./session";
import { sh } from "./shell";

export class ChecksumMismatchError extends Error {
  constructor(what: string, expected: string, actual: string) {
    super(`${what}: sha256 is ${actual}, the manifest says ${expected}; nothing was restored`);
    this.name = "ChecksumMismatchError";
  }
}

/** Copies `body` into a fresh temporary file on the droplet and checks its sha256; returns the path. */
export async function stageVerified(
  session: RemoteSession,
  body: Readable,
  expectedSha256: string,
  what: string,
): Promise<string> {
  const path = absolutePath(
    (await session.run(sh`mktemp -t lifeboat-restore.XXXXXXXX`, { what: "make a staging file" })).stdout.trim(),
  );
  try {
    const hash = createHash("sha256");
    const hashing = new Transform({
      transform(chunk, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    body.on("error", (e) => hashing.destroy(e));
    body.pipe(hashing);
    await session.run(sh`cat > ${path}`, { what: `upload ${what}`, stdin: hashing });
    const sent = hash.digest("hex");
    if (sent !== expectedSha256) throw new ChecksumMismatchError(what, expectedSha256, sent);
    const landed = (await session.run(sh`sha256sum ${path}`, { what: `checksum ${what}` })).stdout.split(/\s/)[0] ?? "";
    if (landed !== expectedSha256) throw new ChecksumMismatchError(`${what} on the droplet`, expectedSha256, landed);
    return path;
  } catch (error) {
    await removeStaged(session, path);
    throw error;
  }
}

export async function removeStaged(session: RemoteSession, path: string): Promise<void> {
  await session.run(sh`rm -f ${absolutePath(path)}`, { what: "remove the staging file", check: false }).catch(() => {});
}
