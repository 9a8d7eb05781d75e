/**
 * The run history from the CLI: `lifeboat run` writes a record to the configured (local)
 * store for each ending; `lifeboat runs` and `show` read them back; a dry run writes nothing.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunRecord } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { lifeboat } from "./cli-process";
import { tempConfig } from "./temp-config";

const fast = ["--speed", "2000"];
const store = mkdtempSync(join(tmpdir(), "lifeboat-cli-history-"));
const config = tempConfig(`import { defineConfig } from "@lifeboat/core";
export default defineConfig({
  plans: [
    { name: "weekly", schedule: "cron(0 3 ? * SUN *)", droplets: [{ name: "ssh" }],
      snapshot: { approval: { approvers: ["U0LIFEBOAT1"] } }, retention: { keepLast: 3 } },
    { name: "nightly", schedule: "cron(30 2 * * ? *)", droplets: [{ name: "drone" }], snapshot: { mode: "live", approval: { required: false } } },
  ],
  ssh: { droplets: {} },
  storage: { type: "local", directory: ${JSON.stringify(store)} },
});
`);
const cli = (args: string[]) => lifeboat([...fast, "-c", config, ...args]);

describe("lifeboat runs / show (local store)", () => {
  it("a succeeded and a skipped run are recorded, a dry run is not; runs lists them newest first, show prints one", () => {
    const succeeded = cli(["--json", "run", "weekly", "--yes"]);
    expect(succeeded.code, succeeded.stderr).toBe(0);
    const ran = JSON.parse(succeeded.stdout);
    // No terminal and no --yes: the approval is refused, the run is skipped (exit 3), and recorded.
    const skipped = cli(["--json", "run", "weekly"]);
    expect(skipped.code).toBe(3);
    const skip = JSON.parse(skipped.stdout);
    const dry = cli(["--json", "run", "nightly", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);

    const r = cli(["--json", "runs"]);
    expect(r.code, r.stderr).toBe(0);
    const listed = JSON.parse(r.stdout) as { ok: true; storage: string; runs: RunRecord[] };
    expect(listed.storage).toBe(store);
    // Each CLI process has its own sandbox clock: the order is by recorded start time, newest first.
    const newestFirst = [...listed.runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    expect(listed.runs).toEqual(newestFirst);
    expect(listed.runs.map((x) => [x.runId, x.outcome]).sort()).toEqual(
      [
        [ran.runId, "succeeded"],
        [skip.runId, "skipped"],
      ].sort(),
    );
    const record = listed.runs.find((x) => x.runId === ran.runId);
    expect(record).toMatchObject({
      format: "lifeboat.run/v1",
      plan: "weekly",
      startedBy: { trigger: "cli", by: expect.stringMatching(/^cli:/) },
      droplets: [{ droplet: "ssh", outcome: "succeeded", snapshot: { name: ran.droplets[0].snapshot } }],
    });

    const table = cli(["runs", "weekly", "--last", "1"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/when\s+plan\s+run id\s+trigger\s+outcome\s+droplets\s+duration/);
    const newest = listed.runs[0]!;
    expect(table.stdout).toMatch(new RegExp(`weekly\\s+${newest.runId}\\s+cli \\(cli:\\S+\\)\\s+${newest.outcome}`));
    expect(table.stdout).not.toContain(listed.runs[1]!.runId);

    const shown = cli(["--json", "show", ran.runId]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).run).toEqual(record);
  }, 90_000);

  it("bad input is refused with a clear message and exit 2", () => {
    const unknown = cli(["show", "weekly-20990101T000000Z-cli"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no run "weekly-20990101T000000Z-cli" in the run history at');
    expect(unknown.stderr).toContain("`lifeboat runs` lists the recorded runs");

    const plan = cli(["runs", "monthly"]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('no plan named "monthly"');
    const last = cli(["runs", "--last", "0"]);
    expect(last.code).toBe(2);
    expect(last.stderr).toContain("expected a whole number ≥ 1");
  }, 60_000);
});
