import {
  copyGiveUpSeconds,
  copyLookDelay,
  copyRegionsFor,
  describePlan,
  elapsedBefore,
  firstCopyLook,
  runOutcomeOf,
  TRANSFER_GIVE_UP_SECONDS,
  validateConfig,
} from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { planInput } from "./world";

/** Looks until a transfer of `sizeGb` that takes `seconds` is seen done, on the routine's schedule. */
function looksFor(sizeGb: number, seconds: number): number {
  const plan = { delay: (e: number) => copyLookDelay(sizeGb, e), giveUpSeconds: copyGiveUpSeconds(sizeGb) };
  const first = firstCopyLook(sizeGb).seconds;
  let looks = 1;
  while (first + elapsedBefore(plan, looks) < seconds) looks++;
  return looks;
}

describe("region copies: which regions", () => {
  it("leaves out the droplet's own region (ignored, and said) and repeats", () => {
    expect(copyRegionsFor(["ams3", "nyc3", "ams3", "fra1"], "nyc3")).toEqual({
      to: ["ams3", "fra1"],
      ownRegion: "nyc3",
    });
    expect(copyRegionsFor(["ams3"], "nyc3")).toEqual({ to: ["ams3"] });
    expect(copyRegionsFor(["nyc3"], "nyc3")).toEqual({ to: [], ownRegion: "nyc3" });
  });
});

describe("region copies: when the routine looks", () => {
  it("first after the assumed 20 s/GB, within 2 and 30 minutes", () => {
    expect(firstCopyLook(1)).toEqual({ seconds: 120 });
    expect(firstCopyLook(25)).toEqual({ seconds: 500 });
    expect(firstCopyLook(500)).toEqual({ seconds: 1800 });
  });

  it("then at growing intervals, half the time spent, never more than an hour apart", () => {
    expect(copyLookDelay(25, 0)).toEqual({ seconds: 250 });
    expect(copyLookDelay(25, 1000)).toEqual({ seconds: 750 });
    expect(copyLookDelay(25, 20_000)).toEqual({ seconds: 3600 });
    expect(copyLookDelay(1, 0)).toEqual({ seconds: 60 });
  });

  it("a long transfer costs a few looks, not a busy loop; seen at most half its time late", () => {
    expect(looksFor(25, 500)).toBe(1);
    expect(looksFor(25, 30 * 60)).toBe(5);
    expect(looksFor(25, 2 * 3600)).toBe(8);
    expect(looksFor(25, 6 * 3600)).toBeLessThanOrEqual(13);
  });

  it("gives up 24 h after the transfers started", () => {
    expect(firstCopyLook(25).seconds + copyGiveUpSeconds(25)).toBe(TRANSFER_GIVE_UP_SECONDS);
    expect(TRANSFER_GIVE_UP_SECONDS).toBe(86_400);
  });
});

describe("a run whose snapshot could not be copied everywhere", () => {
  it("is incomplete, not succeeded (the droplet itself succeeded)", () => {
    expect(runOutcomeOf([{ outcome: "succeeded", incomplete: true }])).toBe("incomplete");
    expect(runOutcomeOf([{ outcome: "succeeded" }, { outcome: "succeeded", incomplete: true }])).toBe("incomplete");
    expect(runOutcomeOf([{ outcome: "succeeded" }])).toBe("succeeded");
  });
});

describe("lifeboat plan", () => {
  it("says where a plan copies its snapshots", () => {
    const plan = validateConfig(planInput({ copyTo: ["ams3", "fra1"] })).plans[0]!;
    expect(describePlan(plan, new Date("2026-03-20T00:00:00Z"), 1).steps).toContain(
      "copy each snapshot to ams3, fra1 once the droplet is back on (the droplet's own region skipped); deleted with it",
    );
  });
});
