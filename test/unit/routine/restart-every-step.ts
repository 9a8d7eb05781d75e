/**
 * Ends the invocation after every step: each step is followed by a durable callback that the
 * test answers from outside. A pending callback suspends the function, and the answer starts
 * a new invocation that replays the whole recorded history — as when Lambda restarts the
 * function between any two steps.
 */
import type { DurableSteps } from "@lifeboat/core";
import type { World } from "./world";

export function restartAfterEveryStep(ctx: DurableSteps): DurableSteps {
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

/** Runs a world made with `wrapContext: restartAfterEveryStep`, answering each restart; returns the execution and how many restarts there were. */
export async function runRestarting(world: World) {
  const running = world.run();
  let finished = false;
  void running.then(
    () => {
      finished = true;
    },
    () => {
      finished = true;
    },
  );
  let restarts = 0;
  for (let i = 0; !finished; i++) {
    const op = world.runner.getOperationByIndex(i);
    // Once the execution completed, no operation is left to wait for (waitForData rejects).
    const ready = await Promise.race([
      op.waitForData().then(
        () => true,
        () => false,
      ),
      running.then(
        () => false,
        () => false,
      ),
    ]);
    if (!ready) break;
    if (!op.getName()?.startsWith("restart after ")) continue;
    await op.sendCallbackSuccess("{}");
    restarts++;
  }
  return { execution: await running, restarts };
}
