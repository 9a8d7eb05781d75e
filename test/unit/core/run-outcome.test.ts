import { RUN_OUTCOMES, runOutcomeOf } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const of = (...outcomes: Array<"succeeded" | "skipped" | "failed">) =>
  runOutcomeOf(outcomes.map((outcome) => ({ outcome })));

describe("a run's outcome word", () => {
  it("is succeeded only when every droplet was backed up", () => {
    expect(of("succeeded", "succeeded")).toBe("succeeded");
  });

  it("is incomplete when some droplets were backed up and others failed or were skipped", () => {
    expect(of("succeeded", "failed")).toBe("incomplete");
    expect(of("succeeded", "skipped")).toBe("incomplete");
  });

  it("is skipped when nothing was backed up and nothing failed (all refused, or no droplets)", () => {
    expect(of("skipped", "skipped")).toBe("skipped");
    expect(of()).toBe("skipped");
  });

  it("is failed when nothing was backed up and something failed", () => {
    expect(of("failed")).toBe("failed");
    expect(of("failed", "skipped")).toBe("failed");
  });

  it("each word is defined once, with its meaning", () => {
    expect(Object.keys(RUN_OUTCOMES)).toEqual(["succeeded", "incomplete", "skipped", "failed", "interrupted"]);
  });
});
