/**
 * A yes/no question on the terminal before something that costs money or cannot be undone.
 * Anything but "y"/"yes" is no. Asked on stderr, so `--json` keeps stdout to its one object.
 */
import { createInterface } from "node:readline/promises";

export interface Terminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** The terminal to ask on, or undefined when stdin is not one (a pipe, cron, CI). */
export function processTerminal(): Terminal | undefined {
  return process.stdin.isTTY ? { input: process.stdin, output: process.stderr } : undefined;
}

/** @example if (!(await confirm(terminal, "Create droplet web-1-restored? [y/N] "))) return; */
export async function confirm(terminal: Terminal, question: string): Promise<boolean> {
  const rl = createInterface({ input: terminal.input, output: terminal.output });
  // The input ending (Ctrl-D, a closed pipe) is a no, not a wait forever.
  const closed = new Promise<string>((resolve) => rl.once("close", () => resolve("")));
  try {
    const answer = await Promise.race([rl.question(question), closed]);
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch {
    return false; // Ctrl-C or the input closed: not a yes
  } finally {
    rl.close();
  }
}

/**
 * A typed confirmation before something that cannot be undone: only the exact `expected`
 * text (e.g. the droplet's name) is a yes. The same rules as `confirm` otherwise.
 * @example if (!(await confirmTyped(terminal, "Type gitlab to overwrite it: ", "gitlab"))) return;
 */
export async function confirmTyped(terminal: Terminal, question: string, expected: string): Promise<boolean> {
  const rl = createInterface({ input: terminal.input, output: terminal.output });
  const closed = new Promise<string>((resolve) => rl.once("close", () => resolve("")));
  try {
    return (await Promise.race([rl.question(question), closed])).trim() === expected;
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
