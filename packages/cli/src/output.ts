import type { ConfigProblem } from "@lifeboat/core";

/** Exit codes every command keeps: 0 ok, 1 the run failed, 2 bad input (nothing was started). */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

export function printProblems(path: string, problems: ConfigProblem[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: false, config: path, problems })}\n`);
    return;
  }
  process.stderr.write(
    `${path} has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was started:\n`,
  );
  for (const p of problems) process.stderr.write(`  ${p.path}: ${p.message}\n`);
}
