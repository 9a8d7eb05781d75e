import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restartAfterEveryStep, runRestarting } from "./restart-every-step";
import { actionsStarted, makeWorld, seedGitlab, snapshotsOf } from "./world";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

describe("replays", () => {
  it("the function restarted after every step: each action happens once, one snapshot, droplet active", async () => {
    const world = await makeWorld({ wrapContext: restartAfterEveryStep });
    const { gitlab, earlier } = seedGitlab(world.sandbox);
    const { execution, restarts } = await runRestarting(world);
    try {
      expect(execution.getResult()?.outcome).toBe("succeeded");
      // Each invocation replays the history recorded so far; there was one per step at least.
      expect(restarts).toBeGreaterThanOrEqual(15); // every step and poll of the run
      expect(world.invocations.count).toBeGreaterThan(restarts);
      for (const type of ["shutdown", "snapshot", "power_on"]) expect(actionsStarted(world.sandbox, type)).toBe(1);
      // One claim (and its one `claiming` tag), which also marks the droplet off: replays tag nothing twice.
      const created = world.sandbox.log
        .filter((r) => r.method === "POST" && r.path === "/v2/tags")
        .map((r) => String((r.body as { name?: string }).name).split(":")[0]);
      expect(created.sort()).toEqual(["lifeboat-claim", "lifeboat-claiming"]);
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
