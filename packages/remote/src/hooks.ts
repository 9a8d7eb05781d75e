/**
 * The plan's `pre` and `post` hooks: shell commands the operator wrote, run on the droplet
 * with a timeout (coreutils `timeout`, plus a local backstop), the end of their output kept for
 * the report.
 */
import type { RemoteSession } from "./session";
import { bash, sh } from "./shell";

export interface Hook {
  command: string;
  timeoutSeconds: number;
}

export interface HookResult {
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  /** The end of stdout (64 KiB) and of stderr (the session's bound). */
  stdout: string;
  stderr: string;
  durationMs: number;
}

const OUTPUT_LIMIT = 64 * 1024;

/**
 * Runs hooks in order; by default stops after the first that fails (its result is the last).
 * @example const results = await runHooks(session, [{ command: "pg_dumpall > /srv/dump.sql", timeoutSeconds: 300 }]);
 */
export async function runHooks(
  session: RemoteSession,
  hooks: readonly Hook[],
  options: { stopOnFailure?: boolean } = {},
): Promise<HookResult[]> {
  const results: HookResult[] = [];
  for (const hook of hooks) {
    const started = Date.now();
    const seconds = Math.max(1, Math.ceil(hook.timeoutSeconds));
    // The hook is the operator's own shell text: it goes to `sh -c` as one quoted argument.
    // Its stdout is cut to the end on the droplet, so a chatty hook is reported, not failed
    // for exceeding the session's output bound (pipefail keeps the hook's exit status).
    const command = bash(sh`timeout -k 10 ${seconds} sh -c ${hook.command} | tail -c ${OUTPUT_LIMIT}`);
    const outcome = await session.run(command, { what: "hook", check: false, timeoutMs: (seconds + 20) * 1000 }).then(
      (r) => ({ exitCode: r.code, stdout: r.stdout, stderr: r.stderr }),
      (e: Error) => ({ exitCode: null, stdout: "", stderr: e.message }),
    );
    const result: HookResult = {
      command: hook.command,
      exitCode: outcome.exitCode,
      timedOut: outcome.exitCode === 124 || outcome.exitCode === 137 || outcome.exitCode === null,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      durationMs: Date.now() - started,
    };
    results.push(result);
    if (result.exitCode !== 0 && options.stopOnFailure !== false) break;
  }
  return results;
}
