import type { ConfigProblem } from "@lifeboat/core";
import { EXIT } from "./exit-codes";

export { EXIT } from "./exit-codes";

/** Where a command reads and writes (the process's streams; tests run the CLI as a child). */
export interface Streams {
  in: NodeJS.ReadableStream & { isTTY?: boolean };
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

export const processStreams: Streams = { in: process.stdin, out: process.stdout, err: process.stderr };

let jsonWritten = false;

/** `--json`: the command's one JSON object on stdout. */
export function writeJson(out: NodeJS.WritableStream, value: unknown): void {
  jsonWritten = true;
  out.write(`${JSON.stringify(value)}\n`);
}

/** Whether this process wrote its JSON object already (main.ts writes one for a command that did not). */
export const wroteJson = (): boolean => jsonWritten;

/** Bad input (exit 2): the message names what is wrong and how to fix it. */
export function refuse(json: boolean, message: string): number {
  if (json) writeJson(process.stdout, { ok: false, exitCode: EXIT.badInput, error: message });
  else process.stderr.write(`lifeboat: ${message}\n`);
  return EXIT.badInput;
}

export function printProblems(path: string, problems: ConfigProblem[], json: boolean): void {
  const head = `${path} has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was started`;
  if (json) {
    writeJson(process.stdout, { ok: false, exitCode: EXIT.badInput, error: head, config: path, problems });
    return;
  }
  process.stderr.write(`${head}:\n`);
  for (const p of problems) process.stderr.write(`  ${p.path}: ${p.message}\n`);
}
