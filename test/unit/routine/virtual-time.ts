/**
 * Test wiring between durable time and the sandbox's virtual clock. The local runner skips
 * durable waits in no time, so this wrapper moves the sandbox clock by each wait's length —
 * inside a step (or a condition check), which runs once and never on replay, so replays do
 * not move time twice. Production code never sees this: it wraps the context in tests only.
 */
import type { DurableSteps } from "@lifeboat/core";

export function withVirtualTime(ctx: DurableSteps, advance: (ms: number) => void): DurableSteps {
  const due = new Map<string, number>();
  const wrapped: DurableSteps = {
    step: (name, fn, options) => ctx.step(name, fn, options),
    createCallback: (name, options) => ctx.createCallback(name, options),
    async wait(name, duration) {
      await ctx.wait(name, duration);
      await ctx.step(`${name} (virtual clock)`, async () => {
        advance(duration.seconds * 1000);
        return true;
      });
    },
    waitForCondition: (name, check, options) =>
      ctx.waitForCondition(
        name,
        async (state) => {
          advance(due.get(name) ?? 0);
          due.delete(name);
          return check(state);
        },
        {
          initialState: options.initialState,
          waitStrategy: (state, attempt) => {
            const decision = options.waitStrategy(state, attempt);
            if (decision.shouldContinue) due.set(name, decision.delay.seconds * 1000);
            return decision;
          },
        },
      ),
    runInChildContext: (name, fn) => ctx.runInChildContext(name, (child) => fn(withVirtualTime(child, advance))),
    map: (name, items, fn, options) =>
      ctx.map(name, items, (child, item, index) => fn(withVirtualTime(child, advance), item, index), options),
  };
  return wrapped;
}
