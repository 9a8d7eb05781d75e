/** Shared by the remote suites: a pinned session to the harness's sshd, and test-only docker helpers. */
import { type RemoteSession, type Shell, sh } from "@lifeboat/remote";
import { harness } from "../../harness/context";
import { openPinnedSession } from "../../harness/ssh";

export function openSession(log?: (line: string) => void, port?: number): Promise<RemoteSession> {
  const ssh = harness().ssh!;
  return openPinnedSession(ssh, { name: "harness-droplet", ...(port ? { port } : {}), ...(log ? { log } : {}) });
}

/** A unique name per suite run (Docker's rules: letters, digits, "_", ".", "-"). */
export const unique = (base: string) => `${base}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** Runs a test-side command on the "droplet" and returns stdout (throws on failure). */
export async function remote(session: RemoteSession, command: Shell, stdin?: string): Promise<string> {
  return (await session.run(command, { what: "test setup", ...(stdin !== undefined ? { stdin } : {}) })).stdout;
}

/** Every file in a volume with its mode, owner, size and sha256: equal listings mean equal volumes. */
export async function volumeListing(session: RemoteSession, volume: string): Promise<string> {
  const image = harness().docker!.baseImage;
  const script =
    "cd /data && find . -mindepth 1 | sort | while IFS= read -r f; do " +
    'if [ -f "$f" ]; then s=$(sha256sum < "$f" | cut -c1-64); else s=-; fi; ' +
    'echo "$(stat -c "%A %u:%g %s" "$f") $s $f"; done';
  return remote(
    session,
    sh`docker run --rm --log-driver none --network none -v ${`${volume}:/data:ro`} ${image} sh -c ${script}`,
  );
}
