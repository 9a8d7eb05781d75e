/**
 * The durable operations the backup routine needs, and nothing more. In Lambda this is the
 * `DurableContext` of `@aws/durable-execution-sdk-js` (functions/backup-run.ts checks with the
 * type checker that it fits); the CLI runs the same routine in one process with a small local
 * implementation. Whoever implements it must keep these rules:
 *
 * - `step(name, fn)`: runs `fn` once and records its JSON result; on a replay the recorded
 *   result is returned without running `fn`. A step that throws may be retried per
 *   `retryStrategy` (default: the implementation's own), then rejects. No durable operation
 *   may be called inside `fn`.
 * - `wait(name, { seconds })`: a pause that costs nothing while it lasts.
 * - `createCallback(name, { timeout })`: resolves with `[answer, callbackId]`; the id is recorded,
 *   so a replay gets the same one, and `answer` resolves with what was sent for that id (the
 *   JSON text, or the value). On timeout `answer` rejects with an error whose `errorType` is
 *   "CallbackTimeoutError" (see `isCallbackTimeout`). The routine uses this rather than
 *   `waitForCallback` because it needs the id again after the answer (for
 *   `approval.decided`), and a `waitForCallback` submitter does not run again on replay.
 * - `waitForCondition(name, check, { initialState, waitStrategy })`: runs `check(state)` now,
 *   then asks `waitStrategy(newState, attempt)` (attempt counts from 1) whether to run it again
 *   after `delay`. Each check's result is recorded like a step's. If `check` throws, the
 *   operation rejects: the routine's checks catch their own errors.
 * - `runInChildContext(name, fn)` and `map(name, items, fn, { maxConcurrency })`: group
 *   durable operations; `map` runs each item in its own child context, at most
 *   `maxConcurrency` at a time, and reports each item's result or error (it does not throw
 *   for an item that failed).
 */

/** A length of time, always in whole seconds (a subset of the SDK's `Duration`). */
export interface Wait {
  seconds: number;
}

export type RetryDecision = { shouldRetry: false } | { shouldRetry: true; delay?: Wait };

export interface StepOptions {
  retryStrategy?: (error: Error, attempt: number) => RetryDecision;
}

export type WaitDecision = { shouldContinue: false } | { shouldContinue: true; delay: Wait };

export interface ConditionOptions<S> {
  initialState: S;
  /** Whether to check again, and when; `attempt` is the number of checks made so far. */
  waitStrategy: (state: S, attempt: number) => WaitDecision;
}

export interface MapItemResult<T> {
  index: number;
  result?: T;
  error?: Error;
}

export interface DurableSteps {
  /**
   * True once whoever runs the routine in-process stopped it (the CLI's Ctrl-C): the run's
   * outcome is then "interrupted". The durable runtime has no such thing and leaves it unset.
   */
  readonly interrupted?: boolean;
  step<T>(name: string, fn: (info: { attempt: number }) => Promise<T>, options?: StepOptions): Promise<T>;
  wait(name: string, duration: Wait): Promise<void>;
  createCallback<T = string>(name: string, options?: { timeout?: Wait }): Promise<[Promise<T>, string]>;
  waitForCondition<S>(name: string, check: (state: S) => Promise<S>, options: ConditionOptions<S>): Promise<S>;
  runInChildContext<T>(name: string, fn: (ctx: DurableSteps) => Promise<T>): Promise<T>;
  map<I, O>(
    name: string,
    items: I[],
    fn: (ctx: DurableSteps, item: I, index: number) => Promise<O>,
    options?: { maxConcurrency?: number; itemNamer?: (item: I, index: number) => string },
  ): Promise<{ all: Array<MapItemResult<O>> }>;
}

/** True for the rejection of a callback that nobody answered in time. */
export function isCallbackTimeout(error: unknown): boolean {
  const e = error as { errorType?: unknown; name?: unknown };
  return e?.errorType === "CallbackTimeoutError" || e?.name === "CallbackTimeoutError";
}

/** A step that is never retried by the durable runtime: for action POSTs, whose repeat would start a second action. */
export const runOnce: StepOptions = { retryStrategy: () => ({ shouldRetry: false }) };
