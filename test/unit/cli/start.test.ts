import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { root, sandboxEnv } from "./cli-process";

describe("npm start", () => {
  it("runs the demo plan end to end against the sandbox without a terminal, and says what to do next", () => {
    // A token in the environment must not send the demo to DigitalOcean.
    const r = spawnSync("npm", ["start", "--silent"], {
      cwd: root,
      encoding: "utf8",
      env: sandboxEnv({ DIGITALOCEAN_TOKEN: "dop_v1_must_not_be_used" }),
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Using the built-in DigitalOcean sandbox \(the demo always does\)/);
    for (const droplet of ["gitlab", "drone", "ssh"]) {
      expect(r.stdout).toMatch(new RegExp(`${droplet}: approved — answered for you by the demo`));
      expect(r.stdout).toMatch(new RegExp(`${droplet}\\s+powered off \\(shutdown`));
      expect(r.stdout).toMatch(new RegExp(`${droplet}\\s+snapshot lifeboat-weekly-${droplet}-\\S+ done in`));
      expect(r.stdout).toMatch(new RegExp(`${droplet}\\s+powered on again`));
      expect(r.stdout).toMatch(new RegExp(`${droplet}\\s+retention: keeps \\d+`));
      expect(r.stdout).toMatch(new RegExp(`\\n${droplet}\\s+succeeded\\s+lifeboat-weekly-${droplet}-`));
    }
    expect(r.stdout).toContain("(plan weekly): succeeded");
    expect(lines.at(-1)).toMatch(/^Next: .*DIGITALOCEAN_TOKEN.*npm run lifeboat -- run weekly/);
    expect(r.stdout + r.stderr).not.toContain("dop_v1_must_not_be_used");
  }, 120_000);
});
