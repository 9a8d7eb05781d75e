import { type DropletApi, validateConfig, watchdogRound } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { actionsStarted, planInput, seedGitlab, snapshotsOf, types, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

describe("backup routine against the DigitalOcean sandbox", () => {
  it("happy path: off, one snapshot, on, untagged, retention over our snapshots only", async () => {
    const world = await makeWorld();
    const { gitlab, earlier } = seedGitlab(world.sandbox);
    const execution = await world.run();

    expect(execution.getStatus()).toBe("SUCCEEDED");
    const result = execution.getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(result.runId).toBe("weekly-20260104T030000Z");
    const droplet = world.sandbox.droplet(gitlab.id)!;
    expect(droplet.status).toBe("active");
    expect(droplet.tags.filter((t) => t.startsWith("lifeboat-off"))).toEqual([]);
    expect([...world.sandbox.state.tags].filter((t) => t.startsWith("lifeboat-off"))).toEqual([]);
    expect(actionsStarted(world.sandbox, "snapshot")).toBe(1);
    const made = result.droplets[0]!.snapshot!;
    expect(made).toMatch(/^lifeboat-weekly-gitlab-\d{8}T\d{6}Z$/);
    // keepLast 3: the new one and the two newest earlier ones; the hand-made one is never touched.
    expect(snapshotsOf(world.sandbox, gitlab.id).sort()).toEqual(
      [made, earlier[1]!, earlier[2]!, "gitlab-before-upgrade"].sort(),
    );
    expect(types(world.events)).toEqual([
      "run.started",
      "droplet.powered_off",
      "snapshot.completed",
      "droplet.powered_on",
      "retention.applied",
      "run.finished",
    ]);
    const on = world.events.find((e) => e.type === "droplet.powered_on");
    expect(on?.type === "droplet.powered_on" && on.downtimeSeconds).toBeGreaterThan(24 * 60);
  });

  it("lists the droplet's snapshots once: retention reuses step 4's listing and still counts the one just made", async () => {
    const world = await makeWorld();
    const { gitlab, earlier } = seedGitlab(world.sandbox, 4);
    const result = (await world.run()).getResult()!;
    const made = result.droplets[0]!.snapshot!;
    // keepLast 3 over the new one and 4 earlier: the two oldest go, as with a fresh listing.
    expect(snapshotsOf(world.sandbox, gitlab.id).sort()).toEqual(
      [made, earlier[2]!, earlier[3]!, "gitlab-before-upgrade"].sort(),
    );
    expect(world.events.find((e) => e.type === "retention.applied")).toMatchObject({
      kept: [made, earlier[3], earlier[2]],
      deleted: [earlier[1], earlier[0]],
    });
    expect(world.sandbox.log.filter((r) => r.operationId === "droplets_list_snapshots")).toHaveLength(1);
  });

  it("a first snapshot (no earlier one to measure a speed on) does not ask for the last snapshot action", async () => {
    const world = await makeWorld();
    world.sandbox.addDroplet({ name: "gitlab", diskGb: 50, usedDiskGb: 2 });
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(world.sandbox.log.filter((r) => r.operationId === "dropletActions_list")).toHaveLength(0);
  });

  it("reports under the run id its starter chose (the name Slack answered with)", async () => {
    const world = await makeWorld();
    seedGitlab(world.sandbox);
    const runId = "weekly-20260104T030000Z-slack-3f9a1c";
    await world.run({ trigger: "slack", runId });
    expect(world.events.length).toBeGreaterThan(0);
    expect(new Set(world.events.map((e) => e.runId))).toEqual(new Set([runId]));
  });

  it("retention: a snapshot that cannot be deleted is reported, the others are still deleted", async () => {
    let middle: string | undefined;
    const world = await makeWorld({
      wrapApi: (api) =>
        new Proxy(api, {
          get(target, key, receiver) {
            if (key === "deleteSnapshot") {
              return (id: string) =>
                id === middle ? Promise.reject(new Error("DigitalOcean answered 500")) : target.deleteSnapshot(id);
            }
            const value = Reflect.get(target, key, receiver);
            return typeof value === "function" ? value.bind(target) : value;
          },
        }),
    });
    const { gitlab, earlier } = seedGitlab(world.sandbox, 5);
    middle = String([...world.sandbox.state.snapshots.values()].find((s) => s.name === earlier[1])!.id);
    const execution = await world.run();
    const result = execution.getResult()!;
    // keepLast 3 releases earlier[0..2]; earlier[1] fails, earlier[0] and earlier[2] still go.
    expect(snapshotsOf(world.sandbox, gitlab.id).sort()).toEqual(
      [result.droplets[0]!.snapshot!, earlier[1]!, earlier[3]!, earlier[4]!, "gitlab-before-upgrade"].sort(),
    );
    expect(result.droplets[0]!.phases.retention).toBe("failed");
    expect(result.droplets[0]!.detail).toContain(`could not delete ${earlier[1]}: DigitalOcean answered 500`);
    expect(world.events.find((e) => e.type === "retention.applied")).toMatchObject({
      deleted: [earlier[2], earlier[0]],
    });
  });

  it("snapshot errored: the droplet is powered back on, untagged, and run.failed says so", async () => {
    const world = await makeWorld({
      wrapApi: (api, sandbox) =>
        withBefore(api, "snapshot", () =>
          sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "action-errored" } }),
        ),
    });
    const { gitlab, earlier } = seedGitlab(world.sandbox);
    const execution = await world.run();
    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()?.outcome).toBe("failed");
    const droplet = world.sandbox.droplet(gitlab.id)!;
    expect(droplet.status).toBe("active");
    expect(droplet.tags).toEqual([]);
    const failed = world.events.find((e) => e.type === "run.failed");
    expect(failed).toMatchObject({ phase: "snapshot", recovery: "powered gitlab back on" });
    expect(types(world.events)).toContain("droplet.powered_on");
    expect(types(world.events)).not.toContain("retention.applied");
    expect(snapshotsOf(world.sandbox, gitlab.id)).toHaveLength(earlier.length + 1);
  });

  it("a power-on that never takes: the run leaves its claim as the watchdog's mark (no tag of its own), and the watchdog powers the droplet on", async () => {
    const world = await makeWorld({
      wrapApi: (api, sandbox) =>
        withBefore(api, "powerOn", () =>
          sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "action-errored" }, times: 1000 }),
        ),
    });
    const { gitlab } = seedGitlab(world.sandbox);
    const result = (await world.run()).getResult()!;
    expect(result.droplets[0]!.phases["power on"]).toBe("failed");
    const droplet = world.sandbox.droplet(gitlab.id)!;
    expect(droplet.status).toBe("off");
    expect(droplet.tags.map((t) => t.split(":")[0])).toEqual(["lifeboat-claim"]);
    expect(result.droplets[0]!.detail).toContain("it keeps its lifeboat-claim tag so the watchdog powers it on");

    world.sandbox.clearFaults();
    const config = validateConfig(planInput());
    const round = () =>
      watchdogRound(config, {
        api: world.api,
        events: { emit: async () => undefined },
        now: () => world.sandbox.clock.now(),
        sleep: (ms) => world.sandbox.clock.sleep(ms),
      });
    // Within maxDowntime (2h) of the power-off it is left alone.
    expect((await round()).recovered).toEqual([]);
    world.sandbox.advance(2 * 3_600_000);
    expect((await round()).recovered).toEqual(["gitlab"]);
    expect(world.sandbox.droplet(gitlab.id)!.status).toBe("active");
  }, 90_000); // 30 virtual minutes of power_on retries: ~12 s alone, more on a busy machine

  it("DO's shutdown quirk (reported completed, droplet still on): waits for status off, then power_off, and never snapshots a running droplet", async () => {
    const world = await makeWorld();
    const { gitlab } = seedGitlab(world.sandbox);
    world.sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "shutdown-stays-on" } });
    const execution = await world.run();
    expect(execution.getResult()?.outcome).toBe("succeeded");
    expect(actionsStarted(world.sandbox, "shutdown")).toBe(1);
    expect(actionsStarted(world.sandbox, "power_off")).toBe(1);
    expect(world.events.find((e) => e.type === "droplet.powered_off")).toMatchObject({ how: "power_off" });
    // The snapshot started only after the droplet was off.
    const snapshotAt = world.sandbox.log.find((r) => (r.body as { type?: string })?.type === "snapshot")!.at;
    const offAction = [...world.sandbox.state.actions.values()].find((a) => a.type === "power_off")!;
    expect(snapshotAt).toBeGreaterThanOrEqual(offAction.endsAt);
    expect(world.sandbox.droplet(gitlab.id)!.status).toBe("active");
  });

  it("a shutdown that never finishes: power_off is refused while it hangs, the run fails, the droplet stays on and untagged", async () => {
    const world = await makeWorld({ timings: { shutdownMs: 6 * 3_600_000 } });
    const { gitlab } = seedGitlab(world.sandbox);
    const execution = await world.run();
    expect(execution.getResult()?.outcome).toBe("failed");
    expect(world.events.find((e) => e.type === "run.failed")).toMatchObject({ phase: "power off" });
    expect(actionsStarted(world.sandbox, "snapshot")).toBe(0);
    const droplet = world.sandbox.droplet(gitlab.id)!;
    expect(droplet.status).toBe("active");
    expect(droplet.tags).toEqual([]);
  });

  it("5xx and 429 storms: the run still makes exactly one snapshot and ends with the droplet on", async () => {
    const world = await makeWorld();
    const { gitlab } = seedGitlab(world.sandbox);
    world.sandbox.inject({ operationId: "*", fault: { kind: "status", status: 503 }, times: 6 });
    world.sandbox.inject({ operationId: "*", fault: { kind: "rate-limit", retryAfterSeconds: 1 }, times: 3 });
    world.sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "drop", when: "after" }, times: 2 });
    const execution = await world.run();
    expect(execution.getResult()?.outcome).toBe("succeeded");
    expect(world.sandbox.log.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(3);
    expect(world.sandbox.log.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
    expect(world.sandbox.log.filter((r) => r.dropped).length).toBe(2);
    expect(actionsStarted(world.sandbox, "snapshot")).toBe(1);
    expect(world.sandbox.droplet(gitlab.id)!.status).toBe("active");
  });

  it("run request naming a droplet the plan does not have: clear run.failed, nothing touched", async () => {
    const world = await makeWorld();
    seedGitlab(world.sandbox);
    const execution = await world.run({ droplets: ["gitlba"] });
    expect(execution.getResult()).toMatchObject({
      outcome: "failed",
      error: 'plan "weekly" has no droplet named "gitlba"; its droplets are: gitlab',
    });
    expect(world.sandbox.log.filter((r) => r.method !== "GET")).toEqual([]);
    // run.finished is the last event of every run, with the result's word (the report's header).
    expect(types(world.events)).toEqual(["run.failed", "run.finished"]);
    expect(world.events.at(-1)).toMatchObject({ type: "run.finished", outcome: "failed", summary: [] });
  });
});

/** The real client, with a hook run just before one of its methods (to inject a sandbox fault at that moment). */
function withBefore(api: DropletApi, method: keyof DropletApi, before: () => void): DropletApi {
  return new Proxy(api, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (key === method) before();
        return value.apply(target, args);
      };
    },
  });
}
