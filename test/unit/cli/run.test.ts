import { describe, expect, it } from "vitest";
import { lifeboat, sandboxEnv } from "./cli-process";

// The built-in sandbox runs 2000× faster here: the ssh droplet's 3-minute snapshot takes ~0.1 s.
const fast = ["--speed", "2000"];

describe("lifeboat run (built-in sandbox, no terminal)", () => {
  it("runs the routine for one droplet with --yes and reports it as JSON", () => {
    const r = lifeboat([...fast, "--json", "run", "weekly", "--droplet", "ssh", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split("\n")[0]).toMatch(/built-in DigitalOcean sandbox \(no DIGITALOCEAN_TOKEN is set\)/);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      ok: true,
      target: "sandbox",
      plan: "weekly",
      outcome: "succeeded",
      interrupted: false,
    });
    expect(out.droplets).toHaveLength(1);
    expect(out.droplets[0]).toMatchObject({ droplet: "ssh", outcome: "succeeded" });
    expect(out.droplets[0].snapshot).toMatch(/^lifeboat-weekly-ssh-\d{8}T\d{6}Z$/);
    expect(out.droplets[0].phases).toMatchObject({ approval: "done", "power off": "done", "power on": "done" });
    const types = out.events.map((e: { type: string }) => e.type);
    expect(types).toEqual([
      "run.started",
      "approval.requested",
      "approval.decided",
      "droplet.powered_off",
      "snapshot.completed",
      "droplet.powered_on",
      "retention.applied",
      "run.finished",
    ]);
    expect(out.events[2]).toMatchObject({ decision: "approve", decidedBy: expect.stringMatching(/^cli:/) });
  });

  it("prints the sandbox first, then the live lines and a report table", () => {
    const r = lifeboat([...fast, "run", "weekly", "-d", "ssh,drone", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^Using the built-in DigitalOcean sandbox/);
    expect(r.stdout).toMatch(/ssh\s+snapshot started/);
    expect(r.stdout).toMatch(/drone\s+powered on again: off for/);
    expect(r.stdout).toMatch(/droplet\s+outcome\s+snapshot\s+downtime\s+phases/);
    expect(r.stdout).toMatch(/\nssh\s+succeeded\s+lifeboat-weekly-ssh-/);
    expect(r.stdout).toMatch(/\ndrone\s+succeeded\s+lifeboat-weekly-drone-/);
    expect(r.stdout).not.toMatch(/\ngitlab\s+succeeded/);
  });

  it("refuses the power-off when there is no terminal to ask and no --yes, and says so", () => {
    const r = lifeboat([...fast, "--json", "run", "weekly", "--droplet", "ssh"]);
    expect(r.code).toBe(3); // nothing was backed up: a cron job must not see this as success
    expect(r.stderr).toContain("no terminal to ask and no --yes, so the power-off is refused (Skip)");
    const out = JSON.parse(r.stdout);
    expect(out.outcome).toBe("skipped");
    expect(out.events.map((e: { type: string }) => e.type)).not.toContain("droplet.powered_off");
    expect(out.events.find((e: { type: string }) => e.type === "approval.decided")).toMatchObject({ decision: "skip" });
  });

  it("--dry-run changes nothing, asks nothing, and prints what a real run would do", () => {
    const r = lifeboat([...fast, "--json", "run", "weekly", "--droplet", "ssh", "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, dryRun: true, outcome: "succeeded" });
    expect(out.events.map((e: { type: string }) => e.type)).toEqual(["run.started", "run.finished"]);
    expect(out.droplets[0].preview.snapshot).toMatchObject({
      mode: "offline",
      name: expect.stringMatching(/^lifeboat-weekly-ssh-\d{8}T\d{6}Z$/),
    });
    expect(r.stderr).not.toContain("no terminal to ask");

    const text = lifeboat([...fast, "run", "weekly", "--droplet", "ssh", "--dry-run"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Dry run weekly-\S+ of plan weekly: nothing was changed/);
    expect(text.stdout).toMatch(
      /\nssh \(#\d+, active\)\n {2}snapshot: lifeboat-weekly-ssh-\d{8}T\d{6}Z \(offline\), ~/,
    );
    expect(text.stdout).toMatch(/\n {2}downtime: ~/);
  });

  it("exits 2, starting nothing, for an unknown plan, droplet, flag or a broken config", () => {
    const plan = lifeboat(["run", "monthly"]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('no plan named "monthly"');
    expect(plan.stderr).toContain("plans are: weekly, nightly");
    expect(plan.stdout).toBe(""); // refused before the sandbox started

    const droplet = lifeboat([...fast, "--json", "run", "weekly", "--droplet", "web-9", "--yes"]);
    expect(droplet.code).toBe(2);
    expect(JSON.parse(droplet.stdout).error).toMatch(
      /plan "weekly" has no droplet named "web-9"; its droplets are: .*gitlab/,
    );

    const flag = lifeboat(["run", "weekly", "--yess"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--yess'");

    const speed = lifeboat(["--speed", "fast", "run", "weekly"]);
    expect(speed.code).toBe(2);
    expect(speed.stderr).toContain("expected a positive number");

    const config = lifeboat(["--config", "/nonexistent/lifeboat.config.ts", "run", "weekly"]);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain("does not exist");
  }, 120_000); // five CLI processes, one after another: ~30 s on a loaded 2-core machine

  it("refuses --speed against the real DigitalOcean API, before any request", () => {
    const r = lifeboat(
      ["--speed", "10", "run", "weekly"],
      sandboxEnv({ DIGITALOCEAN_TOKEN: "dop_v1_not_a_real_token" }),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--speed only works against a sandbox");
    expect(r.stdout + r.stderr).not.toContain("dop_v1_not_a_real_token");
  });
});
