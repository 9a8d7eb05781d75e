import { describe, expect, it } from "vitest";
import { lifeboat } from "./cli-process";

describe("lifeboat retention, list, cost, restore, --help", () => {
  it("retention --json: what the policy keeps now per droplet, and simulated over 6 months", () => {
    const r = lifeboat(["--json", "retention", "weekly", "--simulate", "6m"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.droplets.map((d: { droplet: string }) => d.droplet).sort()).toEqual(["drone", "gitlab", "ssh"]);
    const gitlab = out.droplets.find((d: { droplet: string }) => d.droplet === "gitlab");
    expect(gitlab.snapshots.keep).toHaveLength(3); // the sample's three weekly snapshots, all within keepWeekly 4
    expect(gitlab.snapshots.keep[0].reasons).toContain("newest");
    expect(gitlab.snapshots.release).toEqual([]);
    // Sundays over 6 months: 26 runs; keepLast 2 + weekly 4 + monthly 6 + yearly 1 overlap to 10 at the end.
    expect(out.simulation.months).toBe(6);
    expect(out.simulation.runs).toBeGreaterThanOrEqual(25);
    expect(out.simulation.kept.length).toBeLessThan(out.simulation.runs);
    expect(out.simulation.deleted).toBe(out.simulation.runs - out.simulation.kept.length);
  });

  it("retention: a bad period or plan is exit 2 with the fix", () => {
    const period = lifeboat(["retention", "weekly", "--simulate", "6q"]);
    expect(period.code).toBe(2);
    expect(period.stderr).toContain("expected months or years, e.g. 6m or 2y");
    const plan = lifeboat(["--json", "retention", "hourly"]);
    expect(plan.code).toBe(2);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      ok: false,
      error: expect.stringContaining('no plan named "hourly"'),
    });
  });

  it("list: one droplet's snapshots (marked lifeboat's) and archive runs; an unknown droplet is exit 2", () => {
    const r = lifeboat(["--json", "list", "gitlab"]);
    expect(r.code, r.stderr).toBe(0);
    const [gitlab] = JSON.parse(r.stdout).droplets;
    expect(gitlab.droplet).toBe("gitlab");
    expect(gitlab.snapshots).toHaveLength(3);
    expect(gitlab.snapshots.every((s: { plan: string }) => s.plan === "weekly")).toBe(true);
    expect(gitlab.snapshots.map((s: { regions: string[] }) => s.regions)).toEqual([["nyc3"], ["nyc3"], ["nyc3"]]);
    expect(Array.isArray(gitlab.archives)).toBe(true);
    const text = lifeboat(["list", "gitlab"]);
    expect(text.stdout).toMatch(/lifeboat-weekly-gitlab-\S+\s+\S+\s+24 GB\s+nyc3\s+lifeboat \(weekly\)/);
    const unknown = lifeboat(["list", "web-9"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no droplet named "web-9"');
  });

  it("cost --json: snapshot GB × $0.06 per plan", () => {
    const r = lifeboat(["--json", "cost"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const weekly = out.plans.find((p: { plan: string }) => p.plan === "weekly");
    // Three sample snapshots each of gitlab (24 GB), drone (9 GB) and ssh (3 GB).
    expect(weekly).toMatchObject({ snapshots: 9, snapshotGb: 108, snapshotUsd: 6.48 });
    expect(out.totalUsd).toBe(6.48);
  });

  it("restore snapshot --json creates a droplet from a lifeboat snapshot; an unknown one is exit 2", () => {
    const list = JSON.parse(lifeboat(["--json", "list", "ssh"]).stdout);
    // Each command starts its own sandbox, so snapshot names differ by a second at most; use this run's by id.
    const id = list.droplets[0].snapshots[0].id;
    const r = lifeboat(["--json", "restore", "snapshot", id, "--name", "ssh-copy", "--yes"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, droplet: { name: "ssh-copy", status: "active" } });
    const missing = lifeboat(["restore", "snapshot", "lifeboat-weekly-nope-20260101T000000Z"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("`lifeboat list` shows them");
  });

  it("restore volume: a run that is not in storage is exit 2, nothing touched", () => {
    const r = lifeboat(["restore", "volume", "gitlab", "weekly-20260101T000000Z", "gitlab-data"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no complete archive run "weekly-20260101T000000Z" for gitlab');
  });

  it("--help works on every command and exits 0", () => {
    for (const args of [
      ["--help"],
      ["run", "--help"],
      ["retention", "--help"],
      ["restore", "volume", "--help"],
      ["sandbox", "--help"],
    ]) {
      const r = lifeboat(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/^Usage: lifeboat/);
    }
  }, 120_000); // a CLI process per command, one after another
});
