import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import type { DurableSteps } from "@lifeboat/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionsStarted, makeWorld, seedGitlab, snapshotsOf } from "./world";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

/**
 * Ends the invocation after every step: each step is followed by a durable callback that the
 * test answers from outside. A pending callback suspends the function, and the answer starts
 * a new invocation that replays the whole recorded history — as when Lambda restarts the
 * function between any two steps.
 */
function restartAfterEveryStep(ctx: DurableSteps): DurableSteps {
  const again = async (name: string) => {
    const [answered] = await ctx.createCallback(`restart after ${name}`, { timeout: { seconds: 3600 } });
    await answered;
  };
  return {
    step: async (name, fn, options) => {
      const result = await ctx.step(name, fn, options);
      await again(name);
      return result;
    },
    createCallback: (name, options) => ctx.createCallback(name, options),
    wait: (name, d) => ctx.wait(name, d),
    waitForCondition: async (name, check, options) => {
      const result = await ctx.waitForCondition(name, check, options);
      await again(name);
      return result;
    },
    runInChildContext: (name, fn) => ctx.runInChildContext(name, (c) => fn(restartAfterEveryStep(c))),
    map: (name, items, fn, options) =>
      ctx.map(name, items, (c, item, i) => fn(restartAfterEveryStep(c), item, i), options),
  };
}

describe("replays", () => {
  it("the function restarted after every step: each action happens once, one snapshot, droplet active", async () => {
    const world = await makeWorld({ wrapContext: restartAfterEveryStep });
    const { gitlab, earlier } = seedGitlab(world.sandbox);
    const running = world.run();
    let finished = false;
    void running.then(() => {
      finished = true;
    });
    let restarts = 0;
    for (let i = 0; !finished; i++) {
      const op = world.runner.getOperationByIndex(i);
      const ready = await Promise.race([op.waitForData().then(() => true), running.then(() => false)]);
      if (!ready) break;
      if (!op.getName()?.startsWith("restart after ")) continue;
      await op.sendCallbackSuccess("{}");
      restarts++;
    }
    const execution = await running;
    try {
      expect(execution.getResult()?.outcome).toBe("succeeded");
      // Each invocation replays the history recorded so far; there was one per step at least.
      expect(restarts).toBeGreaterThanOrEqual(15); // every step and poll of the run
      expect(world.invocations.count).toBeGreaterThan(restarts);
      for (const type of ["shutdown", "snapshot", "power_on"]) expect(actionsStarted(world.sandbox, type)).toBe(1);
      // One off-marker, one claim (and its one `claiming` tag): replays tag nothing twice.
      const created = world.sandbox.log
        .filter((r) => r.method === "POST" && r.path === "/v2/tags")
        .map((r) => String((r.body as { name?: string }).name).split(":")[0]);
      expect(created.sort()).toEqual(["lifeboat-claim", "lifeboat-claiming", "lifeboat-off"]);
      expect(snapshotsOf(world.sandbox, gitlab.id)).toHaveLength(earlier.length + 1);
      expect(world.sandbox.droplet(gitlab.id)!.status).toBe("active");
      expect(world.sandbox.state.tags.size).toBe(0);
      // Events are not repeated by replays either.
      const types = world.events.map((e) => e.type);
      expect(new Set(types).size).toBe(types.length);
    } finally {
      await world.close();
    }
  });
});
