/**
 * The exit codes of every `lifeboat` command, defined here once: the code of a run comes from
 * its outcome word (core's RUN_OUTCOMES), and `--help` and README.md print this table.
 */
import { RUN_OUTCOMES, type RunOutcome } from "@lifeboat/core";

export const EXIT = {
  /** Done; a run: every droplet backed up. */
  ok: 0,
  /** The command or the run failed; `verify`: something stored is broken (each item named). */
  failed: 1,
  /** Bad input: unknown command, plan or droplet, bad flag, broken config. Nothing was started. */
  badInput: 2,
  /** A run that backed up less than asked: some or all droplets failed or were skipped. */
  incomplete: 3,
  /** Stopped by Ctrl-C (128 + SIGINT), after the droplets it powered off were powered back on. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A run's exit code, from the word the CLI, the `run.finished` event and the Slack report share. */
export const EXIT_OF_OUTCOME: Readonly<Record<RunOutcome, ExitCode>> = {
  succeeded: EXIT.ok,
  failed: EXIT.failed,
  incomplete: EXIT.incomplete,
  skipped: EXIT.incomplete,
  interrupted: EXIT.interrupted,
};

export const exitCodeOf = (outcome: RunOutcome): ExitCode => EXIT_OF_OUTCOME[outcome];

/** The rows of the exit code table: code, then what it means (run outcomes by their word). */
export function exitCodeRows(): Array<[ExitCode, string]> {
  const outcomes = (code: ExitCode) =>
    (Object.keys(EXIT_OF_OUTCOME) as RunOutcome[])
      .filter((o) => EXIT_OF_OUTCOME[o] === code)
      .map((o) => `run ${o}: ${RUN_OUTCOMES[o]}`);
  return [
    [EXIT.ok, ["done", ...outcomes(EXIT.ok)].join("; ")],
    [EXIT.failed, ["the command failed", "verify: something stored is broken", ...outcomes(EXIT.failed)].join("; ")],
    [EXIT.badInput, "bad input (unknown command, plan or droplet; bad flag; broken config): nothing was started"],
    [EXIT.incomplete, outcomes(EXIT.incomplete).join("; ")],
    [EXIT.interrupted, outcomes(EXIT.interrupted).join("; ")],
  ];
}

/** The table for `--help`. */
export function exitCodeHelp(): string {
  return [
    "Exit codes (every command):",
    ...exitCodeRows().map(([code, text]) => `  ${String(code).padEnd(4)} ${text}`),
  ].join("\n");
}
