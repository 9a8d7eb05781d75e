import {
  type Droplet,
  type DropletApi,
  type DropletSnapshot,
  type DurableSteps,
  listRunSnapshots,
  snapshotName,
} from "@lifeboat/core";
import type { Sandbox } from "@lifeboat/sandbox";
import { describe, expect, it } from "vitest";
import { planInput, snapshotsOf, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();
const week = 7 * 86_400_000;
const names = ["web-1", "web-2", "web-3"];
const config = planInput({}, { droplets: [{ tag: "web" }], concurrency: 1 });

/** Three droplets with `earlier` weekly lifeboat snapshots each, oldest first. */
function seed(sandbox: Sandbox, earlier = 3) {
  return names.map((name) => {
    const droplet = sandbox.addDroplet({ name, diskGb: 50, usedDiskGb: 10, tags: ["web"] });
    const made: string[] = [];
    for (let w = earlier; w >= 1; w--) {
      const at = sandbox.clock.now() - w * week;
      made.push(sandbox.state.addSnapshot(droplet.id, snapshotName("weekly", name, new Date(at)), at).name);
    }
    return { droplet, earlier: made };
  });
}

const calls = (sandbox: Sandbox, operationId: string) => sandbox.log.filter((r) => r.operationId === operationId);

describe("one snapshot listing per run (step 4's estimate and step 8's retention)", () => {
  it("lists the account's snapshots once for all droplets; each droplet's retention is what its own listing gave", async () => {
    const world = await makeWorld({ config });
    const seeded = seed(world.sandbox);
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(calls(world.sandbox, "snapshots_list")).toHaveLength(1);
    expect(calls(world.sandbox, "droplets_list_snapshots")).toHaveLength(0);
    for (const [i, { droplet, earlier }] of seeded.entries()) {
      // keepLast 3 over the new one and 3 earlier: the oldest goes.
      expect(snapshotsOf(world.sandbox, droplet.id).sort()).toEqual(
        [result.droplets[i]!.snapshot!, earlier[1]!, earlier[2]!].sort(),
      );
    }
  }, 60_000);

  it("a droplet whose snapshots changed after the listing lists its own again, and its retention counts the new one", async () => {
    let added: string | undefined;
    const world = await makeWorld({
      config,
      // Another run (or a hand) adds a snapshot of web-2 of this plan right after the run's listing.
      wrapApi: (api, sandbox) => afterCall(api, "listSnapshotsWithin", () => addOne(sandbox)),
    });
    const seeded = seed(world.sandbox);
    const web2 = seeded[1]!;
    const addOne = (sandbox: Sandbox) => {
      const at = sandbox.clock.now() - 86_400_000;
      added = sandbox.state.addSnapshot(web2.droplet.id, snapshotName("weekly", "web-2", new Date(at)), at).name;
    };
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("succeeded");
    const relisted = calls(world.sandbox, "droplets_list_snapshots");
    expect(relisted.map((r) => r.path)).toEqual([`/v2/droplets/${web2.droplet.id}/snapshots`]);
    // keepLast 3 over the new one, the added one and 3 earlier: the two oldest go (the stale listing would keep one).
    expect(snapshotsOf(world.sandbox, web2.droplet.id).sort()).toEqual(
      [result.droplets[1]!.snapshot!, added!, web2.earlier[2]!].sort(),
    );
  }, 60_000);

  it("an account whose snapshots take more pages than the droplets' own listings: each droplet lists its own", async () => {
    const world = await makeWorld({ config });
    seed(world.sandbox, 1);
    const other = world.sandbox.addDroplet({ name: "other", diskGb: 25, usedDiskGb: 5 });
    for (let i = 0; i < 400; i++) world.sandbox.state.addSnapshot(other.id, `other-${i}`, world.sandbox.clock.now());
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("succeeded");
    // 403 snapshots are 3 pages of 200, no fewer than the 3 droplets' listings: one page read, then each its own.
    expect(calls(world.sandbox, "snapshots_list")).toHaveLength(1);
    expect(calls(world.sandbox, "droplets_list_snapshots")).toHaveLength(3);
  }, 60_000);
});

describe("the recorded listing stays within a checkpoint", () => {
  it("a listing bigger than RUN_LISTING_MAX_BYTES as JSON is dropped: each droplet lists its own", async () => {
    const droplets = names.map((name, i) => ({ id: i + 1, name }) as Droplet);
    const own = (d: Droplet, n: number): DropletSnapshot[] =>
      Array.from({ length: n }, (_, k) => {
        const at = new Date(Date.parse("2025-01-01T03:00:00Z") + k * 86_400_000);
        return {
          id: `${d.id}${k}`,
          name: snapshotName("weekly", d.name, at),
          createdAt: at.toISOString(),
          sizeGb: 10,
          minDiskGb: 50,
          dropletId: d.id,
          regions: ["nyc3"],
        };
      });
    const ctx = { step: (_name: string, fn: () => Promise<unknown>) => fn() } as unknown as DurableSteps;
    const api = (perDroplet: number) => ({
      listSnapshotsWithin: async () => droplets.flatMap((d) => own(d, perDroplet)),
      listActions: async () => ({ actions: [], more: false }),
    });
    const small = await listRunSnapshots(ctx, api(3), "weekly", droplets);
    expect(small?.map((l) => l.own.length)).toEqual([3, 3, 3]);
    // 3 × 200 snapshots fit in 3 pages, but not in a checkpoint.
    expect(await listRunSnapshots(ctx, api(200), "weekly", droplets)).toBeUndefined();
  });
});

describe("the speed from the account's actions (one page for every droplet, not one call each)", () => {
  it("next week's run reads each droplet's last snapshot action from the account's actions and looks once at the expected end", async () => {
    const four = planInput({}, { droplets: [{ tag: "web" }], concurrency: 1 });
    const world = await makeWorld({ config: four });
    for (const name of [...names, "web-4"])
      world.sandbox.addDroplet({ name, diskGb: 50, usedDiskGb: 10, tags: ["web"] });
    expect((await world.run({ scheduledTime: "2026-01-04T03:00:00Z" })).getResult()!.outcome).toBe("succeeded");
    world.sandbox.advance(Date.parse("2026-01-11T03:00:00Z") - world.sandbox.clock.now());
    const before = world.sandbox.log.length;
    expect((await world.run({ scheduledTime: "2026-01-11T03:00:00Z" })).getResult()!.outcome).toBe("succeeded");
    const log = world.sandbox.log.slice(before);
    const count = (op: string) => log.filter((r) => r.operationId === op).length;
    expect(count("actions_list")).toBe(1);
    expect(count("dropletActions_list")).toBe(0);
    // The speed was measured (last week's, which the sandbox repeats): one look per snapshot.
    expect(count("actions_get")).toBe(4);
  }, 90_000);
});

function afterCall(api: DropletApi, method: keyof DropletApi, after: () => void): DropletApi {
  return new Proxy(api, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const answer = await value.apply(target, args);
        if (key === method) after();
        return answer;
      };
    },
  });
}
