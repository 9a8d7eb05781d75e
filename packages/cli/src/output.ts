import type { ConfigProblem } from "@lifeboat/core";

/** Exit codes every command keeps: 0 ok, 1 the run failed, 2 bad input (nothing was started). */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

/** Where a command reads and writes (the process's streams; tests run the CLI as a child). */
export interface Streams {
  in: NodeJS.ReadableStream & { isTTY?: boolean };
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

export const processStreams: Streams = { in: process.stdin, out: process.stdout, err: process.stderr };

/** `--json`: the command's one JSON object on stdout. */
export function writeJson(out: NodeJS.WritableStream, value: unknown): void {
  out.write(`${JSON.stringify(value)}\n`);
}

/** Bad input (exit 2): the message names what is wrong and how to fix it. */
export function refuse(json: boolean, message: string): number {
  if (json) writeJson(process.stdout, { ok: false, error: message });
  else process.stderr.write(`lifeboat: ${message}\n`);
  return EXIT.badInput;
}

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
