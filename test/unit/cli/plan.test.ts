import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");

function lifeboat(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "packages/cli/bin/lifeboat.mjs"), ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function configFile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), "lifeboat-cli-"));
  const path = join(dir, "lifeboat.config.ts");
  writeFileSync(path, body);
  return path;
}

describe("lifeboat plan", () => {
  it("shows each plan of the sample config with its next runs", () => {
    const r = lifeboat("plan", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.plans.map((p: { name: string }) => p.name)).toEqual(["weekly", "nightly"]);
    expect(out.plans[0].nextRuns).toHaveLength(3);
    expect(new Date(out.plans[0].nextRuns[0]).getUTCDay()).toBe(0); // Sunday
  });

  it("exits 2 and lists every problem of a bad config", () => {
    const path = configFile(
      `export default { plans: [{ name: "Nightly", schedule: "daily", droplets: [], retention: { keepDaily: -1 } }] };`,
    );
    const r = lifeboat("plan", "--config", path);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("nothing was started");
    expect(r.stderr).toContain("plans[0].name:");
    expect(r.stderr).toContain("plans[0].schedule:");
    expect(r.stderr).toContain("plans[0].droplets: expected at least one droplet selector");
    expect(r.stderr).toContain("plans[0].retention.keepDaily: expected a whole number ≥ 0, got -1");
  });

  it("exits 2 for a config file that does not exist, or does not load", () => {
    expect(lifeboat("plan", "--config", "/nonexistent/lifeboat.config.ts").code).toBe(2);
    const broken = lifeboat("plan", "--config", configFile("export default {{{"));
    expect(broken.code).toBe(2);
    // Which file, line and column, and what is wrong there.
    expect(broken.stderr).toMatch(/could not load it: \/\S+\/lifeboat\.config\.ts:1:\d+: \S/);
  });

  it("exits 2 on an unknown flag or command", () => {
    expect(lifeboat("plan", "--frobnicate").code).toBe(2);
    expect(lifeboat("frobnicate").code).toBe(2);
  });
});
