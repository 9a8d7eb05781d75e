/**
 * The per-invocation budget of issue #14: in Lambda no invocation may outlast 15 minutes, so
 * the routine must never sit in one step (or one invocation) for long, however long a job on
 * the droplet takes. The test world measures the wall time of every handler invocation and
 * every step, and a run with any of them over the budget fails.
 */
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import type { DurableSteps } from "@lifeboat/core";

/** What ran longer than the budget, in words ("step poll archive gitlab 3: 1520 ms"). */
export type OverBudget = string[];

/** The handler, with each invocation's wall time measured against `budgetMs`. */
export function invocationsWithin(
  handler: DurableLambdaHandler,
  budgetMs: number,
  over: OverBudget,
): DurableLambdaHandler {
  let count = 0;
  return async (event, context) => {
    const n = ++count;
    const started = performance.now();
    try {
      return await handler(event, context);
    } finally {
      const ms = Math.round(performance.now() - started);
      if (ms > budgetMs) over.push(`invocation ${n}: ${ms} ms`);
    }
  };
}

/** The context, with each step's (and each condition check's) wall time measured against `budgetMs`. */
export function stepsWithin(ctx: DurableSteps, budgetMs: number, over: OverBudget): DurableSteps {
  const timed =
    <A extends unknown[], T>(what: string, fn: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      const started = performance.now();
      try {
        return await fn(...args);
      } finally {
        const ms = Math.round(performance.now() - started);
        if (ms > budgetMs) over.push(`${what}: ${ms} ms`);
      }
    };
  return {
    step: (name, fn, options) => ctx.step(name, timed(`step ${name}`, fn), options),
    createCallback: (name, options) => ctx.createCallback(name, options),
    wait: (name, duration) => ctx.wait(name, duration),
    waitForCondition: (name, check, options) => ctx.waitForCondition(name, timed(`check ${name}`, check), options),
    runInChildContext: (name, fn) => ctx.runInChildContext(name, (child) => fn(stepsWithin(child, budgetMs, over))),
    map: (name, items, fn, options) =>
      ctx.map(name, items, (child, item, index) => fn(stepsWithin(child, budgetMs, over), item, index), options),
  };
}
