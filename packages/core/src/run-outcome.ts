/**
 * How a run ended, in one word: the CLI's result line, the `run.finished` event and the Slack
 * report's header all say this word, and the CLI's exit code is derived from it
 * (packages/cli/src/exit-codes.ts).
 */

/** Each outcome and what it means, in the words help texts print. */
export const RUN_OUTCOMES = {
  succeeded: "every droplet was backed up",
  incomplete:
    "some droplets were backed up; others failed or were skipped, or a snapshot could not be copied to every copyTo region",
  skipped: "nothing was backed up: every droplet was skipped (approval refused, no terminal to ask, in another run)",
  failed: "no droplet was backed up and at least one failed, or the run could not start",
  interrupted: "stopped before the end (Ctrl-C); every droplet the run powered off was powered back on",
} as const;

export type RunOutcome = keyof typeof RUN_OUTCOMES;

/** What each droplet ended as (`DropletOutcome.outcome`). */
export type DropletOutcomeWord = "succeeded" | "skipped" | "failed";

/** The run's outcome from its droplets' (a run that was not interrupted). */
export function runOutcomeOf(
  droplets: ReadonlyArray<{ outcome: DropletOutcomeWord; incomplete?: boolean }>,
): Exclude<RunOutcome, "interrupted"> {
  const succeeded = droplets.filter((d) => d.outcome === "succeeded").length;
  // A droplet backed up whose copy to another region failed (#16 §2) is not all the plan asked for.
  const whole = droplets.every((d) => !d.incomplete);
  if (droplets.length > 0 && succeeded === droplets.length && whole) return "succeeded";
  if (succeeded > 0) return "incomplete";
  if (droplets.some((d) => d.outcome === "failed")) return "failed";
  return "skipped";
}
