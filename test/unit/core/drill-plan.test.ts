/** Which plan a drill of a droplet runs under: the one of its plans that takes snapshots, or the one named. */
import { drillPlanOf, validateConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const plan = (name: string, mode: "offline" | "live" | "none") => ({
  name,
  schedule: "rate(1 day)",
  droplets: [{ name: "gitlab" }],
  snapshot: { mode, approval: { required: false } },
});
const config = validateConfig({ plans: [plan("weekly", "offline"), plan("monthly", "live"), plan("nightly", "none")] });
const planOf = (plans: string[], requested?: string) => {
  const choice = drillPlanOf(config, { name: "gitlab", plans }, requested);
  return choice.ok ? choice.plan.name : choice.problem;
};

describe("drillPlanOf", () => {
  it("takes the droplet's one plan that takes snapshots", () => {
    expect(planOf(["weekly", "nightly"])).toBe("weekly");
  });

  it("asks for the plan when several take snapshots, and takes the one named", () => {
    expect(planOf(["weekly", "monthly", "nightly"])).toBe(
      '"gitlab" is in several plans that take snapshots (weekly, monthly); name the plan to drill',
    );
    expect(planOf(["weekly", "monthly"], "monthly")).toBe("monthly");
  });

  it("names what is wrong: no plan, an unknown plan, a plan without the droplet, a plan without snapshots", () => {
    expect(planOf([])).toBe(
      'droplet "gitlab" is in no lifeboat plan; add it to a plan\'s droplets in lifeboat.config.ts',
    );
    expect(planOf(["weekly"], "yearly")).toBe(
      'no plan named "yearly" in lifeboat.config.ts; the plans are: weekly, monthly, nightly',
    );
    expect(planOf(["weekly"], "monthly")).toBe('droplet "gitlab" is not in plan "monthly"; it is in: weekly');
    expect(planOf(["weekly", "nightly"], "nightly")).toBe(
      'plan "nightly" takes no snapshots (snapshot.mode "none"), so it has none to drill; name a plan of "gitlab" that does',
    );
    expect(planOf(["nightly"])).toBe(
      'no plan of "gitlab" takes snapshots (its plans: nightly), so there is no snapshot to drill',
    );
  });
});
