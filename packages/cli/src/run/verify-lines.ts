/**
 * `verify.finished` as the CLI's lines (#15 §1): the verdict, then each broken item named.
 * Pure; ./progress.ts prints them. The run's summary lists every finding after the run.
 */
import type { EventOf } from "@lifeboat/core";

/**
 * @example verifyLines(event) // ["verify of weekly: 1 broken of 4 checks (read back 100% of the archives, seed 7)", "  BROKEN gitlab object runs/…: missing from the store"]
 */
export function verifyLines(event: EventOf<"verify.finished">): string[] {
  const read = event.readData > 0 ? `read back ${Math.round(event.readData * 100)}% of the archives` : "sizes only";
  const verdict =
    event.error !== undefined
      ? `could not run: ${event.error}`
      : event.passed
        ? `all ${event.checks} checks hold`
        : `${event.brokenCount} broken of ${event.checks} checks`;
  const unnamed = event.brokenCount - event.broken.length;
  return [
    `verify of ${event.target ?? "every plan"}: ${verdict} (${read}, seed ${event.seed})`,
    ...event.broken.map((b) => `  BROKEN ${b.droplet} ${b.check} ${b.item}: ${b.detail}`),
    ...(unnamed > 0 ? [`  … and ${unnamed} more`] : []),
  ];
}
