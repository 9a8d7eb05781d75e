/**
 * A drill droplet downloads an archive from the store itself (#15: no archive byte through
 * whoever runs the drill). The presigned URL is a bearer credential: it reaches the droplet on
 * stdin as an environment variable (session `secrets`), never in argv, and python3's error
 * text is reduced to what cannot hold it. python3 is there: lifeboat's job runner needs it
 * on the droplet this one was cloned from. As with `stageVerified`, the bytes land in a
 * temporary file whose sha256 is checked before anything is extracted.
 */
import { absolutePath } from "./names";
import type { RemoteSession } from "./session";
import { sh } from "./shell";
import { ChecksumMismatchError, removeStaged } from "./stage";

/** Reads `LIFEBOAT_ARCHIVE_URL`, writes the body to stdout; on failure one line that names no URL. */
const FETCH_PY = `
import os, shutil, sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(os.environ["LIFEBOAT_ARCHIVE_URL"], timeout=60) as body:
        shutil.copyfileobj(body, sys.stdout.buffer, 1 << 20)
except urllib.error.HTTPError as e:
    sys.exit("download failed: HTTP %d %s" % (e.code, e.reason))
except urllib.error.URLError as e:
    sys.exit("download failed: %s" % (e.reason,))
except Exception as e:
    sys.exit("download failed: %s" % type(e).__name__)
`;

/**
 * Downloads `url` on the droplet into a fresh temporary file within `withinSeconds`, and checks
 * its sha256 there; returns the path. Nothing is left behind on failure.
 */
export async function stageDownloaded(
  session: RemoteSession,
  url: string,
  expectedSha256: string,
  what: string,
  withinSeconds: number,
): Promise<string> {
  const path = absolutePath(
    (await session.run(sh`mktemp -t lifeboat-restore.XXXXXXXX`, { what: "make a staging file" })).stdout.trim(),
  );
  try {
    await session.run(sh`timeout ${String(withinSeconds)} python3 -c ${FETCH_PY} > ${path}`, {
      what: `download ${what} on the droplet`,
      secrets: { LIFEBOAT_ARCHIVE_URL: url },
      timeoutMs: (withinSeconds + 30) * 1000,
    });
    const landed = (await session.run(sh`sha256sum ${path}`, { what: `checksum ${what}` })).stdout.split(/\s/)[0] ?? "";
    if (landed !== expectedSha256) throw new ChecksumMismatchError(`${what} as downloaded`, expectedSha256, landed);
    return path;
  } catch (error) {
    await removeStaged(session, path);
    throw error;
  }
}
