/**
 * The routine's `DurableSteps` in one process, for `lifeboat run`: the same rules as the
 * Lambda runtime (packages/core/src/routine/durable.ts) without a checkpoint store, since a
 * local run is not replayed. Step results go through JSON like a checkpoint would, retries
 * follow `retryStrategy`, waits sleep on the run's time base (sped up against a sandbox), and
 * approval callbacks are answered from the terminal through `answer()`.
 *
 * Ctrl-C: `interrupt()` rejects every pending wait with `InterruptedError`, and later waits
 * are refused the same way, so the routine unwinds into its `finally` (power on). Waits of a
 * droplet context whose power-on has started run normally, so the droplet is seen active
 * again before the process exits.
 */
import {
  type ConditionOptions,
  type DurableSteps,
  isPowerOnStep,
  type MapItemResult,
  type RetryDecision,
  type StepOptions,
  type Wait,
} from "@lifeboat/core";
import type { TimeBase } from "./time-base";

/** What a wait rejects with once the run was interrupted (Ctrl-C). */
export class InterruptedError extends Error {
  constructor(what: string) {
    super(`interrupted (Ctrl-C) during ${what}`);
    this.name = "InterruptedError";
  }
}

/** The callback timeout the routine recognises (`isCallbackTimeout`). */
class CallbackTimeoutError extends Error {
  readonly errorType = "CallbackTimeoutError";
  constructor(name: string) {
    super(`nobody answered ${name} in time`);
    this.name = "CallbackTimeoutError";
  }
}

/** Default retries of a step without its own strategy: 3 attempts, 1 s then 2 s apart. */
const defaultRetry = (_error: Error, attempt: number): RetryDecision =>
  attempt < 3 ? { shouldRetry: true, delay: { seconds: attempt } } : { shouldRetry: false };

interface Pending {
  interrupt: () => void;
}

/** What all contexts of one run share: the clock, the interrupt, the open callbacks. */
class RunState {
  interrupted = false;
  readonly pending = new Set<Pending>();
  readonly callbacks = new Map<string, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  private nextCallback = 1;
  constructor(readonly time: TimeBase) {}
  callbackId(): string {
    return `local-${process.pid}-${this.nextCallback++}`;
  }
}

/**
 * @example
 * const steps = new LocalSteps(realTime);
 * const result = await runPlan(steps, deps, config, { plan: "weekly", trigger: "cli" });
 */
export class LocalSteps implements DurableSteps {
  private readonly run: RunState;
  /** Set when this context's routine starts powering its droplet on: from then on, an interrupt does not cut its waits. */
  private poweringOn = false;

  constructor(time: TimeBase | RunState) {
    this.run = time instanceof RunState ? time : new RunState(time);
  }

  /** Ctrl-C: rejects every pending wait and callback; the routine unwinds into its power-on. */
  interrupt(): void {
    this.run.interrupted = true;
    for (const p of [...this.run.pending]) p.interrupt();
    for (const [id, c] of this.run.callbacks) {
      this.run.callbacks.delete(id);
      c.reject(new InterruptedError("the approval"));
    }
  }

  get interrupted(): boolean {
    return this.run.interrupted;
  }

  /** Answers an open approval callback (what Slack's SendDurableExecutionCallbackSuccess does in Lambda). */
  answer(callbackId: string, value: unknown): boolean {
    const c = this.run.callbacks.get(callbackId);
    if (!c) return false;
    this.run.callbacks.delete(callbackId);
    c.resolve(value);
    return true;
  }

  async step<T>(name: string, fn: (info: { attempt: number }) => Promise<T>, options?: StepOptions): Promise<T> {
    // From the routine's power-on step on, an interrupt leaves the waits alone.
    if (isPowerOnStep(name)) this.poweringOn = true;
    const strategy = options?.retryStrategy ?? defaultRetry;
    for (let attempt = 1; ; attempt++) {
      try {
        return roundTrip(await fn({ attempt }));
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        const decision = strategy(e, attempt);
        if (!decision.shouldRetry) throw e;
        await this.sleep(`retry of ${name}`, decision.delay ?? { seconds: 1 });
      }
    }
  }

  wait(name: string, duration: Wait): Promise<void> {
    return this.sleep(name, duration);
  }

  async createCallback<T = string>(name: string, options?: { timeout?: Wait }): Promise<[Promise<T>, string]> {
    this.refuseIfInterrupted(name);
    const id = this.run.callbackId();
    const answer = new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.run.callbacks.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (options?.timeout) {
        timer = setTimeout(
          () => {
            if (this.run.callbacks.delete(id)) reject(new CallbackTimeoutError(name));
          },
          this.run.time.realMs(options.timeout.seconds * 1000),
        );
      }
    });
    // The routine may stop caring about an answer; an unawaited rejection must not crash the process.
    answer.catch(() => undefined);
    return [answer, id];
  }

  async waitForCondition<S>(name: string, check: (state: S) => Promise<S>, options: ConditionOptions<S>): Promise<S> {
    let state = options.initialState;
    for (let attempt = 1; ; attempt++) {
      state = roundTrip(await check(state));
      const decision = options.waitStrategy(state, attempt);
      if (!decision.shouldContinue) return state;
      await this.sleep(name, decision.delay);
    }
  }

  runInChildContext<T>(_name: string, fn: (ctx: DurableSteps) => Promise<T>): Promise<T> {
    return fn(new LocalSteps(this.run));
  }

  async map<I, O>(
    _name: string,
    items: I[],
    fn: (ctx: DurableSteps, item: I, index: number) => Promise<O>,
    options?: { maxConcurrency?: number },
  ): Promise<{ all: Array<MapItemResult<O>> }> {
    const all: Array<MapItemResult<O>> = new Array(items.length);
    let next = 0;
    const worker = async () => {
      for (;;) {
        const index = next++;
        if (index >= items.length) return;
        if (this.run.interrupted) {
          all[index] = { index, error: new InterruptedError("the run, before this droplet started") };
          continue;
        }
        try {
          all[index] = { index, result: await fn(new LocalSteps(this.run), items[index] as I, index) };
        } catch (error) {
          all[index] = { index, error: error instanceof Error ? error : new Error(String(error)) };
        }
      }
    };
    const workers = Math.max(1, Math.min(options?.maxConcurrency ?? items.length, items.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return { all };
  }

  private refuseIfInterrupted(what: string): void {
    if (this.run.interrupted && !this.poweringOn) throw new InterruptedError(what);
  }

  /** A wait on the run's time base that Ctrl-C cuts short (unless it belongs to a power-on). */
  private sleep(what: string, duration: Wait): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.refuseIfInterrupted(what); // a throw here rejects the promise
      const entry: Pending = {
        interrupt: () => {
          if (this.poweringOn) return;
          clearTimeout(timer);
          this.run.pending.delete(entry);
          reject(new InterruptedError(what));
        },
      };
      const timer = setTimeout(
        () => {
          this.run.pending.delete(entry);
          resolve();
        },
        this.run.time.realMs(duration.seconds * 1000),
      );
      this.run.pending.add(entry);
    });
  }
}

/** A step's result as a checkpoint would give it back: through JSON. */
function roundTrip<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
