/**
 * Stopping and starting containers. Starting is retried (a container may fail once while a
 * dependency comes up) and every failure is reported by name, never swallowed.
 */
import { containerName } from "./names";
import type { RemoteSession } from "./session";
import { sh } from "./shell";

export interface RestartReport {
  restarted: string[];
  failed: Array<{ name: string; attempts: number; error: string }>;
  /** Attempts each container needed (1 = first try). */
  attempts: Record<string, number>;
}

export interface RestartOptions {
  /** Default 3. */
  attempts?: number;
  /** Pause between attempts, default 3 s. */
  delayMs?: number;
  /** Called after each failed attempt that will be retried (for logs). */
  onRetry?: (name: string, attempt: number, error: string) => void | Promise<void>;
}

/**
 * Starts each named container, retrying failures; containers already running count as restarted.
 * @example const report = await restartContainers(session, inventory.running);
 */
export async function restartContainers(
  session: RemoteSession,
  names: readonly string[],
  options: RestartOptions = {},
): Promise<RestartReport> {
  const max = Math.max(1, options.attempts ?? 3);
  const report: RestartReport = { restarted: [], failed: [], attempts: {} };
  for (const raw of names) {
    const name = containerName(raw);
    for (let attempt = 1; attempt <= max; attempt++) {
      const started = await session
        .run(sh`docker start ${name}`, { what: `start ${name}`, check: false })
        .catch((e: Error) => ({ code: -1, stderr: e.message }));
      report.attempts[name] = attempt;
      if (started.code === 0) {
        report.restarted.push(name);
        break;
      }
      const error = started.stderr.trim() || `docker start exited ${started.code}`;
      if (attempt === max) {
        report.failed.push({ name, attempts: attempt, error });
      } else {
        await options.onRetry?.(name, attempt, error);
        await new Promise((r) => setTimeout(r, options.delayMs ?? 3_000));
      }
    }
  }
  return report;
}

/** Stops a container (graceful, `timeoutSeconds` before SIGKILL); throws when it will not stop. */
export async function stopContainer(session: RemoteSession, raw: string, timeoutSeconds = 30): Promise<void> {
  const name = containerName(raw);
  await session.run(sh`docker stop -t ${timeoutSeconds} ${name}`, { what: `stop ${name}` });
}
