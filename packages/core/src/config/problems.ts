/**
 * Turns schema issues into sentences a person can act on:
 * `plans[1].retention.keepDaily: expected a whole number ≥ 0, got -1`.
 */
import type { z } from "zod";

export interface ConfigProblem {
  /** Where, as written in the file: `plans[1].retention.keepDaily`. */
  path: string;
  /** What is wrong and what would be right. */
  message: string;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(config)" : out;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value);
}

/** Edit distance, for "did you mean …?" on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

function suggest(key: string, known: Iterable<string>): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const candidate of known) {
    // A key valid elsewhere in the config (`plan` inside dropletBackups) is not what was meant here.
    if (candidate === key) continue;
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d <= Math.max(1, Math.floor(candidate.length / 4)) && (!best || d < best.d)) best = { key: candidate, d };
  }
  return best?.key;
}

export function toProblems(issues: readonly z.core.$ZodIssue[], knownKeys: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const hint = suggest(key, knownKeys);
        problems.push({
          path: formatPath([...issue.path, key]),
          message: hint
            ? `unknown setting; did you mean "${hint}"?`
            : "unknown setting; remove it (see the config reference in README.md)",
        });
      }
      continue;
    }
    let input = (issue as { input?: unknown }).input;
    // A bad discriminator (`type: "gcs"`) is reported with the whole object as input: show the field.
    const last = issue.path.at(-1);
    if (input && typeof input === "object" && typeof last === "string" && last in input) {
      input = (input as Record<string, unknown>)[last];
    }
    const got =
      issue.code === "custom" && input === undefined
        ? ""
        : // A ping URL is a secret (notify.ping): never echoed, not even a wrong one.
          `, got ${issue.path.at(-2) === "notify" && last === "ping" ? "a value not shown here (it is secret)" : describeValue(input)}`;
    problems.push({ path: formatPath(issue.path), message: `${issue.message}${got}` });
  }
  return problems;
}
