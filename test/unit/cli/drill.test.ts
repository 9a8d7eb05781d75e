/** `lifeboat drill`: bad input refused before anything is made, and the report's text. */
import { describe, expect, it } from "vitest";
import { drillReport } from "../../../packages/cli/src/commands/drill";
import { lifeboat } from "./cli-process";

describe("lifeboat drill", () => {
  it("refuses a droplet in no plan and an unknown plan with exit 2, saying how to fix it", () => {
    const none = lifeboat(["drill", "nosuch"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("nosuch is in no plan of");
    expect(none.stderr).toContain("pass --plan with the plan whose snapshots it has (plans: weekly, nightly)");
    const plan = lifeboat(["drill", "gitlab", "--plan", "monthly", "--json"]);
    expect(plan.code).toBe(2);
    expect(JSON.parse(plan.stdout.trim().split("\n").at(-1) ?? "{}")).toMatchObject({
      ok: false,
      exitCode: 2,
      error: expect.stringContaining('no plan named "monthly"'),
    });
  });

  it("prints each check with why, the restore time, the cost, and how to destroy a kept droplet", () => {
    const lines = drillReport({
      drillId: "weekly-20260112T050000Z-drill-cli",
      plan: "weekly",
      passed: false,
      drills: [
        {
          droplet: "gitlab",
          passed: false,
          snapshot: "lifeboat-weekly-gitlab-20260111T030000Z",
          scratch: { id: 9, name: "drill-gitlab-x", sizeSlug: "s-1vcpu-1gb", hourlyPriceUsd: 0.00893 },
          checks: [
            { name: "SSH with the drill's host key", passed: true, detail: "answered" },
            { name: "check curl -fsS localhost", passed: false, detail: "exited 7: connection refused" },
          ],
          costUsd: 0.0012,
          error: "failed: check curl -fsS localhost",
          destroyed: false,
          keptNote: "scratch droplet drill-gitlab-x (id 9) is left running",
        },
      ],
    });
    expect(lines).toEqual([
      "Drill of gitlab from lifeboat-weekly-gitlab-20260111T030000Z: FAILED",
      "  passed  SSH with the drill's host key: answered",
      "  FAILED  check curl -fsS localhost: exited 7: connection refused",
      "  failed: check curl -fsS localhost",
      "  Cost: $0.0012 (s-1vcpu-1gb at $0.00893/hour)",
      "  scratch droplet drill-gitlab-x (id 9) is left running",
    ]);
  });
});
