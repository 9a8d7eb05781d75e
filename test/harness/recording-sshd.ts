/**
 * An sshd of a test's own that records every command it runs: a `ForceCommand` wrapper
 * appends `$SSH_ORIGINAL_COMMAND` (NUL-terminated: commands may span lines) to a log, then
 * runs it with the user's shell. For tests that must see everything a "droplet" was asked.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findBinary } from "./process";
import { type SshService, startSshd, stopSshd } from "./sshd";

export interface RecordingSshd {
  ssh: SshService;
  /** The commands run since the start or the last `clear()`, in order. */
  commands(): Promise<string[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRecordingSshd(dir: string, env: Record<string, string>): Promise<RecordingSshd> {
  await mkdir(join(dir, "sshd"), { recursive: true });
  const log = join(dir, "commands.log");
  const recorder = join(dir, "record.sh");
  await writeFile(log, "");
  await writeFile(
    recorder,
    `#!/bin/sh\nprintf '%s\\0' "$SSH_ORIGINAL_COMMAND" >> ${log}\nexec "\${SHELL:-/bin/sh}" -c "$SSH_ORIGINAL_COMMAND"\n`,
  );
  await chmod(recorder, 0o755);
  const ssh = await startSshd(join(dir, "sshd"), findBinary("/usr/sbin/sshd") ?? "sshd", env, [
    `ForceCommand ${recorder}`,
  ]);
  return {
    ssh,
    commands: async () => (await readFile(log, "utf8")).split("\0").filter(Boolean),
    clear: () => writeFile(log, ""),
    stop: () => stopSshd(ssh),
  };
}

/** Commands that only read (what a dry run's look at a droplet may run). */
const READ_ONLY = [
  /^docker ps -aq --no-trunc$/,
  /^docker container inspect /,
  /^docker image inspect /,
  /^docker volume ls --format /,
  /^docker system df -v --format /,
  /^timeout \d+ du -skx -- /,
];

/** True for one simple command on the read-only list (no `;`, `&&`, pipes, redirections or substitutions). */
export const isReadOnly = (command: string): boolean =>
  READ_ONLY.some((r) => r.test(command)) && !/[;&|<>`$]/.test(command);
