/** Drill ids: apart from every backup run's name, within Lambda's 64 characters, and recognised in a listing. */
import { drillId, isDrillId } from "@lifeboat/aws";
import { executionName } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const at = "2026-11-29T10:15:30Z";

describe("drill ids", () => {
  it("names a scheduled drill by plan and time, a one-off also by who asked for what", () => {
    expect(drillId({ kind: "drill", plan: "weekly", trigger: "schedule" }, at)).toBe("weekly-20261129T101530Z-drill");
    const slack = drillId(
      { kind: "drill", plan: "weekly", droplet: "gitlab", trigger: "slack", requestedBy: "U1" },
      at,
    );
    expect(slack).toMatch(/^weekly-20261129T101530Z-drill-[0-9a-f]{6}$/);
    expect(drillId({ kind: "drill", plan: "weekly", droplet: "gitlab", trigger: "slack", requestedBy: "U1" }, at)).toBe(
      slack,
    );
    expect(
      drillId({ kind: "drill", plan: "weekly", droplet: "drone", trigger: "slack", requestedBy: "U1" }, at),
    ).not.toBe(slack);
  });

  it("keeps the whole id, hash included, for the longest plan name", () => {
    const plan = "p".repeat(32);
    const id = drillId({ kind: "drill", plan, droplet: "gitlab", trigger: "cli" }, at);
    expect(id.length).toBeLessThanOrEqual(64);
    expect(id).toMatch(/-drill-[0-9a-f]{6}$/);
  });

  it("tells drills from backup runs by name", () => {
    for (const trigger of ["schedule", "slack", "cli"] as const) {
      expect(isDrillId(drillId({ kind: "drill", plan: "weekly", trigger }, at))).toBe(true);
    }
    expect(isDrillId(executionName("weekly", at))).toBe(false);
    expect(isDrillId(executionName("weekly", at, "slack-3f9a1c"))).toBe(false);
    // A plan named "drill" is still a plan: its backup runs are not drills.
    expect(isDrillId(executionName("drill", at))).toBe(false);
  });
});
