import { findPlan, planNamed, UnknownPlanError, unknownPlanMessage, validateConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const config = validateConfig({
  plans: ["weekly", "nightly"].map((name) => ({
    name,
    schedule: "rate(1 day)",
    droplets: [{ name: "web-1" }],
    snapshot: { mode: "none" },
  })),
});

describe("finding a plan by name", () => {
  it("gives the plan of that name", () => {
    expect(planNamed(config, "nightly").name).toBe("nightly");
    expect(findPlan(config, "weekly")?.name).toBe("weekly");
  });

  it("says, for an unknown name, which plans there are and in which file", () => {
    expect(findPlan(config, "monthly")).toBeUndefined();
    expect(unknownPlanMessage(config, "monthly")).toBe(
      'no plan named "monthly" in lifeboat.config.ts; the plans are: weekly, nightly',
    );
    expect(() => planNamed(config, "monthly", "/srv/ops/lifeboat.config.ts")).toThrow(
      new UnknownPlanError('no plan named "monthly" in /srv/ops/lifeboat.config.ts; the plans are: weekly, nightly'),
    );
  });
});
