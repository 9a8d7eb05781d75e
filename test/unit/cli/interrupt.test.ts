/**
 * Ctrl-C during the snapshot wait. Two children: `lifeboat sandbox` serves the DigitalOcean
 * sandbox (so its state outlives the run and the test reads it through the API, as anyone
 * would), and `lifeboat run` is pointed at it with DIGITALOCEAN_ENDPOINT/TOKEN and the same
 * --speed. The run gets SIGINT twice while the snapshot is in progress.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type LiveCli, sandboxEnv, startLifeboat } from "./cli-process";
import { sampleConfig, tempConfig } from "./temp-config";

const speed = ["--speed", "60"];
let sandbox: LiveCli | undefined;

afterAll(async () => {
  sandbox?.child.kill("SIGINT");
  await sandbox?.exit;
});

describe("Ctrl-C during a run", () => {
  it("powers the droplet back on before exiting non-zero, even when pressed twice", async () => {
    sandbox = startLifeboat([...speed, "--json", "sandbox"]);
    const { endpoint, token, droplets } = JSON.parse(await sandbox.line(/^\{/));
    const ssh = droplets.find((d: { name: string }) => d.name === "ssh");
    const env = sandboxEnv({ DIGITALOCEAN_ENDPOINT: endpoint, DIGITALOCEAN_TOKEN: token });

    const run = startLifeboat([...speed, "run", "weekly", "--droplet", "ssh", "--yes"], env);
    await run.line(/ssh\s+snapshot started/);
    run.child.kill("SIGINT");
    await run.line(/Ctrl-C: stopping the run — powering ssh back on…/);
    run.child.kill("SIGINT");
    const code = await run.exit;

    expect(code).toBe(130);
    expect(run.stdout()).toMatch(/Still powering ssh back on…/);
    expect(run.stdout()).toMatch(/ssh\s+powered on again/);
    expect(run.stdout()).toContain("Stopped by Ctrl-C");
    // The snapshot whose wait was cut short finished at DigitalOcean (the power-on waited for it): reported done.
    expect(run.stdout()).toMatch(/\n {2}ssh: snapshot lifeboat-weekly-ssh-\d{8}T\d{6}Z done; powered back on/);
    expect(run.stdout()).toMatch(/\nssh\s+succeeded\s+lifeboat-weekly-ssh-\S+\s+\S+\s+.*snapshot ✓/);
    expect(run.stdout()).toContain("(plan weekly): interrupted");
    expect(run.stdout().split("\n")[0]).toContain(`Using the DigitalOcean API at ${endpoint}`);
    // The token came in through the environment and never went out again.
    expect(run.stdout() + run.stderr()).not.toContain(token);

    const res = await fetch(`${endpoint}/droplets/${ssh.id}`, { headers: { authorization: `Bearer ${token}` } });
    const { droplet } = (await res.json()) as { droplet: { status: string; tags: string[] } };
    expect(droplet.status).toBe("active");
    expect(droplet.tags.filter((t) => t.startsWith("lifeboat-off"))).toEqual([]);
  }, 60_000);

  it("names only droplets that are really off: a live snapshot's droplet stays on and is not 'powered back on'", async () => {
    sandbox ??= startLifeboat([...speed, "--json", "sandbox"]);
    const { endpoint, token } = JSON.parse(await sandbox.line(/^\{/));
    const env = sandboxEnv({ DIGITALOCEAN_ENDPOINT: endpoint, DIGITALOCEAN_TOKEN: token });
    const config = tempConfig(
      sampleConfig(
        `[{ name: "live", schedule: "rate(1 day)", droplets: [{ name: "ssh" }],
            snapshot: { mode: "live", approval: { required: false } } }]`,
      ),
    );
    const run = startLifeboat([...speed, "-c", config, "run", "live"], env);
    await run.line(/ssh\s+snapshot started/);
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(130);
    expect(run.stdout()).toContain("Ctrl-C: stopping the run — no droplet is off");
    expect(run.stdout()).not.toMatch(/powering ssh back on/);
    expect(run.stdout()).toMatch(
      /\n {2}ssh: snapshot lifeboat-live-ssh-\S+ not finished when the run stopped .*; never powered off/,
    );
    // The interrupted run left its record in the run history.
    const runId = /Run (\S+) \(plan live\): interrupted/.exec(run.stdout())?.[1];
    const shown = startLifeboat(["-c", config, "--json", "show", `${runId}`], env);
    expect(await shown.exit, shown.stderr()).toBe(0);
    expect(JSON.parse(shown.stdout()).run).toMatchObject({
      runId,
      outcome: "interrupted",
      startedBy: { trigger: "cli" },
    });
  }, 60_000);
});
