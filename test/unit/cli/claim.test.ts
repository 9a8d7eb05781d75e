/**
 * One run per droplet across processes, and the watchdog from the CLI, as people run them:
 * `lifeboat` child processes pointed at one sandbox with DIGITALOCEAN_ENDPOINT/TOKEN and the
 * same --speed. Power-offs and snapshots are counted from the sandbox's own state and log.
 */
import { addSampleFleet, type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { type LiveCli, sandboxEnv, startLifeboat } from "./cli-process";

const HOUR = 3_600_000;
const children: LiveCli[] = [];
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
  }
  for (const s of sandboxes.splice(0)) await s.close();
});

function start(args: string[], env: NodeJS.ProcessEnv): LiveCli {
  const cli = startLifeboat(args, env);
  children.push(cli);
  return cli;
}

interface SeenDroplet {
  status: string;
  tags: string[];
}
interface SeenAction {
  type: string;
}

async function get<T>(endpoint: string, token: string, path: string): Promise<T> {
  const res = await fetch(`${endpoint}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as T;
}

describe("two CLI runs of one droplet at once (one `lifeboat sandbox`)", () => {
  it("exactly one power-off and one snapshot; the loser names the run it lost to and touches nothing", async () => {
    const speed = ["--speed", "60"];
    const sandbox = start([...speed, "--json", "sandbox"], sandboxEnv());
    const { endpoint, token, droplets } = JSON.parse(await sandbox.line(/^\{/));
    const ssh = droplets.find((d: { name: string }) => d.name === "ssh");
    const env = sandboxEnv({ DIGITALOCEAN_ENDPOINT: endpoint, DIGITALOCEAN_TOKEN: token });

    const runs = [0, 1].map(() => start([...speed, "run", "weekly", "--droplet", "ssh", "--yes"], env));
    await Promise.all(runs.map((r) => r.exit));

    const { actions } = await get<{ actions: SeenAction[] }>(
      endpoint,
      token,
      `/droplets/${ssh.id}/actions?per_page=200`,
    );
    const count = (type: string) => actions.filter((a) => a.type === type).length;
    expect(count("shutdown") + count("power_off")).toBe(1);
    expect(count("snapshot")).toBe(1);
    const { snapshots } = await get<{ snapshots: Array<{ name: string }> }>(
      endpoint,
      token,
      `/droplets/${ssh.id}/snapshots?per_page=200`,
    );
    const today = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    expect(snapshots.filter((s) => s.name.startsWith(`lifeboat-weekly-ssh-${today}`))).toHaveLength(1);

    const outputs = runs.map((r) => r.stdout());
    const loser = outputs.filter((o) => /droplet ssh is in run /.test(o));
    const winner = outputs.filter((o) => /\nssh\s+succeeded\s+lifeboat-weekly-ssh-/.test(o));
    expect(loser, outputs.join("\n----\n")).toHaveLength(1);
    expect(winner).toHaveLength(1);
    expect(loser[0]).toMatch(
      /droplet ssh is in run weekly-\d{8}T\d{6}Z-cli \(started by cli-[A-Za-z0-9_-]+, since \d{4}-\d\d-\d\dT[\d:.]+Z\)/,
    );
    expect(loser[0]).toMatch(/\nssh\s+skipped\s/);
    expect(loser[0]).not.toMatch(/ssh\s+(shutdown|snapshot) started/);

    const { droplet } = await get<{ droplet: SeenDroplet }>(endpoint, token, `/droplets/${ssh.id}`);
    expect(droplet.status).toBe("active");
    expect(droplet.tags).toEqual(["lifeboat-weekly"]);
  }, 90_000);
});

describe("lifeboat watchdog --once", () => {
  /** A sandbox in this process (so the test can move its clock), with the sample fleet. */
  async function fleet(speed: number) {
    const sandbox = await startSandbox({ time: "real", speed });
    sandboxes.push(sandbox);
    const { ssh } = addSampleFleet(sandbox);
    const env = sandboxEnv({ DIGITALOCEAN_ENDPOINT: sandbox.url, DIGITALOCEAN_TOKEN: sandbox.token });
    const lifeboatTags = () =>
      sandbox.droplet(ssh.id)!.tags.filter((t) => t.startsWith("lifeboat-") && t !== "lifeboat-weekly");
    return { sandbox, ssh, env, lifeboatTags };
  }

  it("after kill -9 mid-snapshot: leaves the droplet alone within maxDowntime, then powers it on, untags it and clears the claim", async () => {
    const speed = 100;
    const { sandbox, ssh, env, lifeboatTags } = await fleet(speed);
    const run = start(["--speed", String(speed), "run", "weekly", "--droplet", "ssh", "--yes"], env);
    await run.line(/ssh\s+snapshot started/);
    run.child.kill("SIGKILL");
    await run.exit;
    expect(sandbox.droplet(ssh.id)!.status).toBe("off");
    expect(
      lifeboatTags()
        .map((t) => t.split(":")[0])
        .sort(),
    ).toEqual(["lifeboat-claim"]); // the claim is also the watchdog's mark

    // Within the budget the watchdog writes nothing: the run might still be alive.
    const writes = () => sandbox.log.filter((r) => r.method !== "GET").length;
    const writesBefore = writes();
    const early = start(["--speed", String(speed), "watchdog", "--once"], env);
    expect(await early.exit, early.stderr()).toBe(0);
    expect(early.stdout()).toMatch(
      /ssh: off for \d+s of its 7200s budget \(within budget: left alone\); dated by its shutdown at \d{4}-\d\d-\d\dT/,
    );
    expect(writes()).toBe(writesBefore);
    expect(sandbox.droplet(ssh.id)!.status).toBe("off");

    // The weekly plan's maxDowntime is 2h; its claim counts 30 min more.
    sandbox.advance(2.5 * HOUR + 5 * 60_000);
    const late = start(["--speed", String(speed), "watchdog", "--once"], env);
    expect(await late.exit, late.stderr() + late.stdout()).toBe(0);
    expect(late.stdout()).toMatch(/ssh: powered on/);
    expect(late.stdout()).toMatch(/cleared expired claim ssh: lifeboat-claim:/);
    expect(sandbox.droplet(ssh.id)!.status).toBe("active");
    expect(lifeboatTags()).toEqual([]);
    // One power-off and one snapshot, by the killed run only.
    const posted = (type: string) =>
      sandbox.log.filter((r) => r.operationId === "dropletActions_post" && (r.body as { type?: string }).type === type)
        .length;
    expect(posted("shutdown") + posted("power_off")).toBe(1);
    expect(posted("snapshot")).toBe(1);
  }, 90_000);

  it("a run whose power-on fails ends with a line that names `lifeboat watchdog --once`", async () => {
    const speed = 600;
    const { sandbox, ssh, env } = await fleet(speed);
    const run = start(["--speed", String(speed), "run", "weekly", "--droplet", "ssh", "--yes"], env);
    await run.line(/ssh\s+snapshot started/);
    // From here on every action on ssh ends errored: power_on never takes.
    sandbox.inject({
      operationId: "dropletActions_post",
      dropletId: ssh.id,
      fault: { kind: "action-errored" },
      times: 1000,
    });
    await run.exit;
    const lines = run.stdout().trimEnd().split("\n");
    expect(lines.at(-1)).toBe(
      "ssh may still be off: run `lifeboat watchdog --once` to power it on (it does once it has been off for the plan's maxDowntime, 2h), or power it on in the DigitalOcean control panel now.",
    );
    expect(sandbox.droplet(ssh.id)!.status).toBe("off");
  }, 90_000);
});
