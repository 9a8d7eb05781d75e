/**
 * The per-invocation budget of issue #14: in Lambda no invocation may outlast 15 minutes, so
 * the routine must never sit in one step (or one invocation) for long, however long a job on
 * the droplet takes. The test world measures the wall time of every handler invocation and
 * every step, and a run with any of them over the budget fails.
 */
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import type { DurableSteps } from "@lifeboat/core";

/**
 * Wall time, from the clock Node had when this module loaded: the durable test runner's fake
 * clock (installed later, with skipped time) jumps over every skipped wait, and a wait the
 * runner skips inside an invocation would count as time the invocation ran.
 */
const wallNow = performance.now.bind(performance);

/** What ran longer than the budget, in words ("step poll archive gitlab 3: 1520 ms"). */
export type OverBudget = string[];

/**
 * Where the invocation under way began, per budget (keyed by its `over` list): in Lambda a
 * durable wait suspends the invocation, but the local runner with skipped time may complete a
 * wait at once and let the same invocation go on; so each wait ends what is measured as one
 * invocation, and the next begins when the wait returns.
 */
const invocationOf = new WeakMap<OverBudget, { n: number; since: number }>();

function endOfInvocation(over: OverBudget, budgetMs: number, until: string) {
  const current = invocationOf.get(over);
  if (!current) return;
  const ms = Math.round(wallNow() - current.since);
  if (ms > budgetMs) over.push(`invocation ${current.n}${until}: ${ms} ms`);
}

/** The handler, with each invocation's wall time (up to a durable wait, see above) measured against `budgetMs`. */
export function invocationsWithin(
  handler: DurableLambdaHandler,
  budgetMs: number,
  over: OverBudget,
): DurableLambdaHandler {
  let count = 0;
  return async (event, context) => {
    const n = ++count;
    invocationOf.set(over, { n, since: wallNow() });
    try {
      return await handler(event, context);
    } finally {
      endOfInvocation(over, budgetMs, "");
      invocationOf.delete(over);
    }
  };
}

/** The context, with each step's (and each condition check's) wall time measured against `budgetMs`. */
export function stepsWithin(ctx: DurableSteps, budgetMs: number, over: OverBudget): DurableSteps {
  const timed =
    <A extends unknown[], T>(what: string, fn: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      const started = wallNow();
      try {
        return await fn(...args);
      } finally {
        const ms = Math.round(wallNow() - started);
        if (ms > budgetMs) over.push(`${what}: ${ms} ms`);
      }
    };
  return {
    step: (name, fn, options) => ctx.step(name, timed(`step ${name}`, fn), options),
    createCallback: (name, options) => ctx.createCallback(name, options),
    wait: async (name, duration) => {
      endOfInvocation(over, budgetMs, ` (up to wait ${name})`);
      try {
        return await ctx.wait(name, duration);
      } finally {
        const current = invocationOf.get(over);
        if (current) current.since = wallNow();
      }
    },
    waitForCondition: (name, check, options) => ctx.waitForCondition(name, timed(`check ${name}`, check), options),
    runInChildContext: (name, fn) => ctx.runInChildContext(name, (child) => fn(stepsWithin(child, budgetMs, over))),
    map: (name, items, fn, options) =>
      ctx.map(name, items, (child, item, index) => fn(stepsWithin(child, budgetMs, over), item, index), options),
  };
}
