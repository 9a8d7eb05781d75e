/**
 * The plan's dead-man's switch in the durable routine (#17 §2): the real HTTP pinger against a
 * loopback server that records what it is sent. Start after run.started, the end ping after
 * run.finished, `/fail` with a short summary for anything but a full success, one rid per run
 * also across replays, nothing on a dry run, and a dead server that costs the run nothing.
 */
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import type { DropletApi } from "@lifeboat/core";
import { httpPinger, runUuid } from "@lifeboat/ping";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RecordedRequest, startRecordingServer } from "../../support/recording-server";
import { refusingUrl } from "../ping/dead-servers";
import { restartAfterEveryStep, runRestarting } from "./restart-every-step";
import { makeWorld, planInput, seedGitlab, type World, type WorldOptions } from "./world";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const CHECK = "5e2b8c3d-1f3e-4c1e-9f1a-7b4c1e1ac0de";
const RUN_ID = "weekly-20260104T030000Z";

/** A world whose plan pings `url` (default: a recording server), with the droplets given. */
async function pingWorld(options: { url?: string; droplets?: string[] } & WorldOptions = {}) {
  // What the routine had emitted when each ping arrived: the last event type, per request.
  const lastEventAtPing: Array<string | undefined> = [];
  let current: World | undefined;
  const server = await startRecordingServer(() => {
    lastEventAtPing.push(current?.events.at(-1)?.type);
    return { body: "OK" };
  });
  closers.push(server.close);
  const url = options.url ?? `${server.url}/ping/${CHECK}`;
  const droplets = (options.droplets ?? ["gitlab"]).map((name) => ({ name }));
  const world = await makeWorld({
    ...options,
    config: planInput({}, { droplets, notify: { ping: url } }),
    pinger: httpPinger({ retryDelayMs: 10 }),
  });
  current = world;
  closers.push(() => world.close());
  return { world, server, lastEventAtPing };
}

/** "GET start", "POST success", … in the order the server got them, with the rid checked. */
function signals(requests: RecordedRequest[]): string[] {
  return requests.map((r) => {
    const target = new URL(r.path, "http://x");
    expect(target.searchParams.get("rid")).toBe(runUuid(RUN_ID));
    const suffix = target.pathname.slice(`/ping/${CHECK}`.length);
    return `${r.method} ${suffix === "" ? "success" : suffix.slice(1)}`;
  });
}

/** Makes the snapshot action of the droplet named `name` error at DigitalOcean. */
function snapshotErrorsFor(name: string): WorldOptions["wrapApi"] {
  return (api: DropletApi, sandbox) =>
    new Proxy(api, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== "snapshot" || typeof value !== "function") return value;
        return (dropletId: number, snapshot: string) => {
          if (sandbox.droplet(dropletId)?.name === name) {
            sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "action-errored" } });
          }
          return value.call(target, dropletId, snapshot);
        };
      },
    });
}

describe("notify.ping in the routine", () => {
  it("incomplete (one droplet failed, one backed up): /fail, the failed droplet first", async () => {
    const { world, server, lastEventAtPing } = await pingWorld({
      droplets: ["gitlab", "drone"],
      wrapApi: snapshotErrorsFor("gitlab"),
    });
    seedGitlab(world.sandbox);
    world.sandbox.addDroplet({ name: "drone", diskGb: 25, usedDiskGb: 2 });
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("incomplete");
    expect(signals(server.requests)).toEqual(["GET start", "POST fail"]);
    expect(lastEventAtPing).toEqual(["run.started", "run.finished"]);
    const lines = server.requests[1]!.body.split("\n");
    expect(lines[0]).toBe(`lifeboat plan weekly, run ${RUN_ID}: incomplete`);
    expect(lines[1]).toMatch(/^gitlab: failed — /);
    expect(lines[2]).toBe("drone: succeeded");
  });

  it("a failed run that cannot start (unknown droplet): no start ping, /fail saying why", async () => {
    const { world, server } = await pingWorld();
    seedGitlab(world.sandbox);
    await world.run({ droplets: ["gitlba"] });
    expect(signals(server.requests)).toEqual(["POST fail"]);
    expect(server.requests[0]!.body).toContain('failed — plan "weekly" has no droplet named "gitlba"');
  });

  it("a dry run pings nothing", async () => {
    const { world, server } = await pingWorld();
    seedGitlab(world.sandbox);
    const result = (await world.run({ dryRun: true })).getResult()!;
    expect(result.dryRun).toBe(true);
    expect(server.requests).toEqual([]);
  });

  it("success, restarted after every step: /start after run.started, <url> with the summary after run.finished, each once, one rid", async () => {
    const { world, server, lastEventAtPing } = await pingWorld({ wrapContext: restartAfterEveryStep });
    seedGitlab(world.sandbox);
    const { execution } = await runRestarting(world);
    expect(execution.getResult()?.outcome).toBe("succeeded");
    expect(execution.getResult()?.pingFailures).toBeUndefined();
    expect(signals(server.requests)).toEqual(["GET start", "POST success"]);
    expect(lastEventAtPing).toEqual(["run.started", "run.finished"]);
    expect(server.requests[1]!.body).toBe(`lifeboat plan weekly, run ${RUN_ID}: succeeded\ngitlab: succeeded`);
  });

  it("a ping service nobody answers at: the backup still succeeds, and the result says the pings failed (URL redacted)", async () => {
    const url = await refusingUrl(`/ping/${CHECK}`);
    const { world } = await pingWorld({ url });
    const { gitlab } = seedGitlab(world.sandbox);
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(world.sandbox.droplet(gitlab.id)!.status).toBe("active");
    expect(result.pingFailures).toEqual([
      expect.stringMatching(/^start ping to http:\/\/127\.0\.0\.1:\d+\/…c0de failed after 3 tries: network error/),
      expect.stringMatching(/^success ping to http:\/\/127\.0\.0\.1:\d+\/…c0de failed after 3 tries: /),
    ]);
    expect(JSON.stringify(result) + JSON.stringify(world.events)).not.toContain(CHECK);
  });
});
