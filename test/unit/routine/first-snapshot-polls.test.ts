/**
 * A first snapshot (no earlier one: used disk unknown) and how often the routine looks at it:
 * the schedule walked from the real timing functions as takeSnapshot follows it: a wait of
 * firstSnapshotCheck, then pollUntil's looks `elapsedBefore` apart. (`npm run bench -- do-budget`
 * counts the same looks in the whole routine.)
 */
import { elapsedBefore, estimateSnapshot, firstSnapshotCheck, snapshotPollDelay } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

/** The look that first sees a snapshot ending `endSeconds` after it started, and how late it is. */
function seen(endSeconds: number, diskGb = 50): { looks: number; lateSeconds: number; latePercent: number } {
  const estimate = estimateSnapshot({ diskGb }, []);
  expect(estimate.source).toBe("disk-size");
  const first = firstSnapshotCheck(estimate).seconds;
  const plan = { delay: (elapsed: number) => snapshotPollDelay(estimate, elapsed), giveUpSeconds: 36_000 };
  let looks = 1;
  while (first + elapsedBefore(plan, looks) < endSeconds) looks++;
  const lateSeconds = first + elapsedBefore(plan, looks) - endSeconds;
  return { looks, lateSeconds, latePercent: Math.round((100 * lateSeconds) / endSeconds) };
}

describe("polling a first snapshot (size unknown)", () => {
  it("a 24 GB one (~24 min at 59 s/GB) costs at most 6 looks, up to 63 s/GB", () => {
    expect(seen(24 * 59).looks).toBeLessThanOrEqual(6);
    // The bench's sandbox takes 60 s/GB; a little slower still fits.
    for (const secondsPerGb of [50, 55, 59, 60, 63]) expect(seen(24 * secondsPerGb).looks).toBeLessThanOrEqual(6);
  });

  it("sees any end at most 45 % of its duration late and never more than 10 min; one under 4 min, at 4 min", () => {
    for (const diskGb of [25, 50, 160]) {
      for (let end = 20; end <= 3 * 3600; end += 7) {
        const bound = end < 240 ? 240 - end : Math.min(600, 0.45 * end);
        expect(seen(end, diskGb).lateSeconds, `end ${end} s, disk ${diskGb} GB`).toBeLessThanOrEqual(bound);
      }
    }
  });

  it("the figures of timing.ts's comment: looks and how late, by size, at 59 s/GB unless said", () => {
    const at = (gb: number, secondsPerGb = 59) => seen(gb * secondsPerGb);
    expect({
      "2 GB": at(2),
      "10 GB": at(10),
      "24 GB": at(24),
      "24 GB, 50 s/GB": at(24, 50),
      "24 GB, 72 s/GB": at(24, 72),
      "50 GB": at(50),
    }).toEqual({
      "2 GB": { looks: 1, lateSeconds: 122, latePercent: 103 },
      "10 GB": { looks: 4, lateSeconds: 140, latePercent: 24 },
      "24 GB": { looks: 6, lateSeconds: 118, latePercent: 8 },
      "24 GB, 50 s/GB": { looks: 6, lateSeconds: 334, latePercent: 28 },
      "24 GB, 72 s/GB": { looks: 7, lateSeconds: 406, latePercent: 23 },
      "50 GB": { looks: 9, lateSeconds: 384, latePercent: 13 },
    });
  });
});
