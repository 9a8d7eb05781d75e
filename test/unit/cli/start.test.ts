import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { type LiveCli, root, sandboxEnv, startLifeboat } from "./cli-process";

const npmStart = (env: NodeJS.ProcessEnv) =>
  spawnSync("npm", ["start", "--silent"], {
    cwd: root,
    encoding: "utf8",
    env,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });

describe("npm start", () => {
  it("with no DIGITALOCEAN_TOKEN, runs the demo plan end to end on the sandbox without a terminal, and says what to do next", () => {
    // No Docker engine answers at this socket: the demo says in one line what it skipped.
    const r = npmStart(sandboxEnv({ DOCKER_HOST: "unix:///nonexistent/lifeboat-test-docker.sock" }));
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Using the built-in DigitalOcean sandbox \(no DIGITALOCEAN_TOKEN is set\)/);
    expect(lines.filter((l) => l.startsWith("SSH phases skipped: no Docker engine answers here"))).toEqual([
      expect.stringMatching(
        /^SSH phases skipped: no Docker engine answers here \(.+\); with Docker running here \(or DOCKER_HOST set\), npm start also archives a demo container's image and volume\.$/,
      ),
    ]);
    expect(r.stdout).not.toContain("Archived from droplet");
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
  }, 120_000);

  let sandbox: LiveCli | undefined;
  afterAll(async () => {
    sandbox?.child.kill("SIGINT");
    await sandbox?.exit;
  });

  it("with a token, runs the plan for real: approvals refused without a terminal, so nothing is powered off", async () => {
    // "Real" here is `lifeboat sandbox` at DIGITALOCEAN_ENDPOINT: the same path as DigitalOcean's API.
    sandbox = startLifeboat(["--speed", "60", "--json", "sandbox"]);
    const { endpoint, token, droplets } = JSON.parse(await sandbox.line(/^\{/));
    const r = npmStart(sandboxEnv({ DIGITALOCEAN_TOKEN: token, DIGITALOCEAN_ENDPOINT: endpoint }));
    expect(r.status, r.stderr).toBe(3); // every droplet skipped: nothing was backed up
    expect(r.stdout.split("\n")[0]).toBe(`Using the DigitalOcean API at ${endpoint} (DIGITALOCEAN_ENDPOINT).`);
    expect(r.stdout).toContain('npm start with DIGITALOCEAN_TOKEN set: plan "weekly" for real');
    expect(r.stdout).not.toContain("answered for you by the demo");
    expect(r.stdout + r.stderr).not.toContain(token);
    for (const d of droplets as Array<{ id: number; name: string }>) {
      const res = await fetch(`${endpoint}/droplets/${d.id}/snapshots`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const { snapshots } = (await res.json()) as { snapshots: Array<{ name: string; created_at: string }> };
      // Only the sample's earlier snapshots: this run made none.
      expect(snapshots.filter((s) => Date.parse(s.created_at) > Date.now() - 3_600_000)).toEqual([]);
      const got = await fetch(`${endpoint}/droplets/${d.id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await got.json()) as { droplet: { status: string } }).droplet.status).toBe("active");
    }
  }, 120_000);
});
