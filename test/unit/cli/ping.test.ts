/**
 * `lifeboat run` pings the plan's dead-man's switch (#17 §2), as a person's run would: the CLI
 * as a child process against a DigitalOcean sandbox served from this process
 * (DIGITALOCEAN_ENDPOINT), and a loopback server standing in for healthchecks.io. The ping URL
 * holds a sentinel UUID that must never appear in full in what the CLI prints.
 */
import { runUuid } from "@lifeboat/ping";
import { addSampleFleet, type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { type RecordedRequest, startRecordingServer } from "../../support/recording-server";
import { refusingUrl } from "../ping/dead-servers";
import { type LiveCli, sandboxEnv, startLifeboat } from "./cli-process";
import { sampleConfig, tempConfig } from "./temp-config";

const SENTINEL = "9d1c0e7a-4b2f-4f6e-8a3d-51e0b7c2f00d";
const speed = 2000;
const closers: Array<() => Promise<void>> = [];
const children: LiveCli[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill("SIGKILL");
  for (const close of closers.splice(0)) await close();
});

/** A sandbox with the sample fleet, a recording ping server, and a config whose plan pings it (or `url`). */
async function setup(url?: (server: string) => string) {
  const sandbox: Sandbox = await startSandbox({ time: "real", speed });
  closers.push(() => sandbox.close());
  addSampleFleet(sandbox);
  const server = await startRecordingServer(() => ({ body: "OK" }));
  closers.push(server.close);
  const ping = url ? url(server.url) : `${server.url}/ping/${SENTINEL}`;
  const config = tempConfig(
    sampleConfig(
      `[{ name: "weekly", schedule: "rate(1 day)", droplets: [{ name: "ssh" }],
          snapshot: { approval: { required: false } }, notify: { ping: ${JSON.stringify(ping)} } }]`,
    ),
  );
  const env = sandboxEnv({ DIGITALOCEAN_ENDPOINT: sandbox.url, DIGITALOCEAN_TOKEN: sandbox.token });
  const run = (args: string[], environment = env) => {
    const cli = startLifeboat(["--speed", String(speed), "-c", config, ...args], environment);
    children.push(cli);
    return cli;
  };
  return { server, run };
}

/** "GET start", "POST success", "POST fail", with every rid the same. */
function signals(requests: RecordedRequest[]): string[] {
  const rids = new Set(requests.map((r) => new URL(r.path, "http://x").searchParams.get("rid")));
  expect(rids.size).toBeLessThanOrEqual(1);
  return requests.map((r) => {
    const suffix = new URL(r.path, "http://x").pathname.slice(`/ping/${SENTINEL}`.length);
    return `${r.method} ${suffix === "" ? "success" : suffix.slice(1)}`;
  });
}

describe("lifeboat run with notify.ping", () => {
  it("pings /start and then success, rid from the run id; the URL is in neither the JSON nor the live lines", async () => {
    const { server, run } = await setup();
    const cli = run(["--json", "run", "weekly"]);
    expect(await cli.exit, cli.stderr()).toBe(0);
    const out = JSON.parse(cli.stdout());
    expect(out.outcome).toBe("succeeded");
    expect(out.pingFailures).toBeUndefined();
    expect(signals(server.requests)).toEqual(["GET start", "POST success"]);
    expect(new URL(server.requests[0]!.path, "http://x").searchParams.get("rid")).toBe(runUuid(out.runId));
    expect(server.requests[1]!.body).toBe(`lifeboat plan weekly, run ${out.runId}: succeeded\nssh: succeeded`);
    expect(cli.stdout() + cli.stderr()).not.toContain(SENTINEL);
  }, 60_000);

  it("Ctrl-C: the droplet comes back on, then /fail says the run was interrupted", async () => {
    const { server, run } = await setup();
    const cli = run(["run", "weekly"]);
    await cli.line(/ssh\s+snapshot started/);
    cli.child.kill("SIGINT");
    expect(await cli.exit).toBe(130);
    expect(signals(server.requests)).toEqual(["GET start", "POST fail"]);
    expect(server.requests[1]!.body.split("\n")[0]).toMatch(/^lifeboat plan weekly, run weekly-\S+: interrupted$/);
  }, 60_000);

  it("a ping service nobody answers at: the run succeeds (exit 0) and says, URL redacted, that the pings were not delivered", async () => {
    const url = await refusingUrl(`/ping/${SENTINEL}`);
    const { run } = await setup(() => url);
    const cli = run(["run", "weekly"]);
    expect(await cli.exit, cli.stderr()).toBe(0);
    expect(cli.stdout()).toMatch(/\(plan weekly\): succeeded/);
    expect(cli.stdout()).toMatch(
      /\nPing not delivered \(the run's outcome stands\): start ping to http:\/\/127\.0\.0\.1:\d+\/…f00d failed after 3 tries: network error/,
    );
    expect(cli.stdout()).toMatch(/\nPing not delivered \(the run's outcome stands\): success ping to /);
    expect(cli.stdout() + cli.stderr()).not.toContain(SENTINEL);
  }, 60_000);

  it("a dry run pings nothing; the built-in sandbox pings nothing and says so, URL redacted", async () => {
    const { server, run } = await setup();
    const dry = run(["run", "weekly", "--dry-run"]);
    expect(await dry.exit, dry.stderr()).toBe(0);
    expect(server.requests).toEqual([]);

    const builtIn = run(["run", "weekly"], sandboxEnv());
    expect(await builtIn.exit, builtIn.stderr()).toBe(0);
    expect(builtIn.stdout()).toMatch(
      /\nNot pinging http:\/\/127\.0\.0\.1:\d+\/…f00d: these are the built-in sandbox's droplets, not yours\.\n/,
    );
    expect(builtIn.stdout()).not.toContain(SENTINEL);
    expect(server.requests).toEqual([]);
  }, 60_000);
});
