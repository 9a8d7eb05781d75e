import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { planCommand } from "../../../packages/cli/src/commands/plan";

function configFile(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "lifeboat-cli-")), "lifeboat.config.ts");
  writeFileSync(path, body);
  return path;
}

const config = configFile(`export default { plans: [
  { name: "berlin", schedule: "cron(0 3 ? * SUN *)", timezone: "Europe/Berlin", droplets: [{ name: "web-1" }], snapshot: { mode: "none" } },
  { name: "utc", schedule: "cron(0 3 ? * SUN *)", droplets: [{ name: "web-1" }], snapshot: { mode: "none" } },
] };`);

async function printed(json: boolean): Promise<string> {
  let out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const code = await planCommand({ config, json, now: new Date("2026-03-20T00:00:00Z") });
  vi.restoreAllMocks();
  expect(code).toBe(0);
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe("lifeboat plan: next runs in the plan's zone and in UTC", () => {
  it("prints each run in the zone with its offset, and in UTC, across the change to summer time", async () => {
    const text = await printed(false);
    expect(text).toContain("plan berlin  cron(0 3 ? * SUN *) in Europe/Berlin");
    expect(text).toContain(
      "next runs: 2026-03-22T03:00:00+01:00 = 2026-03-22T02:00:00Z, 2026-03-29T03:00:00+02:00 = 2026-03-29T01:00:00Z, 2026-04-05T03:00:00+02:00 = 2026-04-05T01:00:00Z",
    );
    // A UTC plan says so, and prints each run once.
    expect(text).toContain("plan utc  cron(0 3 ? * SUN *) in UTC");
    expect(text).toContain("next runs: 2026-03-22T03:00:00Z, 2026-03-29T03:00:00Z, 2026-04-05T03:00:00Z");
  });

  it("--json: the zone, the runs in UTC and in the zone", async () => {
    const [berlin] = JSON.parse(await printed(true)).plans;
    expect(berlin).toMatchObject({
      timezone: "Europe/Berlin",
      nextRuns: ["2026-03-22T02:00:00.000Z", "2026-03-29T01:00:00.000Z", "2026-04-05T01:00:00.000Z"],
      nextRunsInZone: ["2026-03-22T03:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-04-05T03:00:00+02:00"],
    });
  });
});
