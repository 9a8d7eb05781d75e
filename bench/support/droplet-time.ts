/**
 * Shared virtual time for a routine run that backs up many droplets at once, for the budget
 * benchmark. The routine test world (test/unit/routine/virtual-time.ts) moves the sandbox clock
 * by every wait's full length, which is exact for one droplet but adds up the waits of droplets
 * that wait side by side (10 droplets each waiting 15 s would move time 150 s), so snapshots
 * would look finished after a fraction of their polls and requests would look spread out.
 *
 * Here time is discrete-event, like the sandbox's own VirtualClock but counted per droplet
 * context: it jumps to the earliest wake-up only once every droplet context the map should be
 * running has started and is parked (sleeping in a wait, a poll delay or a client retry, or
 * queued behind the rate budget). A context counts as running again the moment its timer
 * fires, so time cannot jump twice before it has acted. Waits are not durable waits: the
 * runner's skipTime completes those in queue order, not in time order; the benchmark checks
 * that each run stayed in one invocation, so no wait is replayed.
 */
import type { DurableSteps, Wait } from "@lifeboat/core";
import { type Clock, RateBudget } from "@lifeboat/digitalocean";
import type { Sandbox } from "@lifeboat/sandbox";

/** One blocked context, parked until the timer it waits for fires. */
interface Park {
  parked: boolean;
}

interface Timer {
  at: number;
  /** The contexts this timer blocks (the budget's sleep blocks every call queued behind it). */
  parks: Park[];
  resolve: () => void;
}

export class DropletTime {
  private timers: Timer[] = [];
  private parked = 0;
  private running = 0;
  private finished = 0;
  private batch: { total: number; concurrency: number } | undefined;

  constructor(private readonly sandbox: Sandbox) {}

  /** The clock a droplet context's client sleeps on (retries, pending events). */
  readonly clock: Clock = { now: () => this.sandbox.clock.now(), sleep: (ms) => this.sleep(ms) };

  /**
   * A rate budget (DO's default limits) on this time. It serves calls one at a time, so while
   * it sleeps for room, every call queued in it is blocked, and parked, until that sleep ends.
   */
  budget(): RateBudget {
    const time = this;
    const queued = new Set<Park>();
    let blocked: Park[] | undefined;
    const budgetClock: Clock = {
      now: this.clock.now,
      sleep: (ms) => {
        blocked = [...queued];
        return time.timer(ms, blocked).finally(() => {
          blocked = undefined;
        });
      },
    };
    return new (class extends RateBudget {
      override acquire(): Promise<void> {
        const park: Park = { parked: false };
        queued.add(park);
        if (blocked) {
          blocked.push(park);
          time.park(park);
        }
        return super.acquire().finally(() => {
          queued.delete(park);
          time.unpark(park);
        });
      }
    })(budgetClock);
  }

  /** `ctx` with waits and condition polls on this time; steps stay durable steps. */
  wrap(ctx: DurableSteps): DurableSteps {
    const time = this;
    return {
      step: (name, fn, options) => ctx.step(name, fn, options),
      createCallback: (name, options) => ctx.createCallback(name, options),
      wait: (_name, duration) => time.sleepFor(duration),
      async waitForCondition(name, check, options) {
        // The SDK's semantics (durable.ts): check now, each check recorded; rejects if it throws.
        let state = options.initialState;
        for (let attempt = 1; ; attempt++) {
          const before = state;
          state = await ctx.step(`${name} #${attempt}`, () => check(before), {
            retryStrategy: () => ({ shouldRetry: false }),
          });
          const decision = options.waitStrategy(state, attempt);
          if (!decision.shouldContinue) return state;
          await time.sleepFor(decision.delay);
        }
      },
      runInChildContext: (name, fn) => ctx.runInChildContext(name, (child) => fn(time.wrap(child))),
      async map(name, items, fn, options) {
        time.batch = { total: items.length, concurrency: options?.maxConcurrency ?? items.length };
        time.running = 0;
        time.finished = 0;
        try {
          return await ctx.map(
            name,
            items,
            async (child, item, index) => {
              time.running++;
              try {
                return await fn(time.wrap(child), item, index);
              } finally {
                time.running--;
                time.finished++;
                time.check();
              }
            },
            options,
          );
        } finally {
          time.batch = undefined;
        }
      },
    };
  }

  private sleepFor(duration: Wait): Promise<void> {
    return this.sleep(duration.seconds * 1000);
  }

  private sleep(ms: number): Promise<void> {
    return this.timer(ms, [{ parked: false }]);
  }

  private park(park: Park): void {
    if (park.parked) return;
    park.parked = true;
    this.parked++;
    this.check();
  }

  private unpark(park: Park): void {
    if (!park.parked) return;
    park.parked = false;
    this.parked--;
  }

  /**
   * Resolves once time reaches now + ms, with `parks` parked until then; outside the droplets'
   * map nobody else runs, so time moves at once.
   */
  private timer(ms: number, parks: Park[]): Promise<void> {
    if (!this.batch) {
      this.sandbox.advance(Math.max(0, ms));
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.timers.push({ at: this.sandbox.clock.now() + Math.max(0, ms), parks, resolve });
      for (const park of parks) this.park(park);
      this.check();
    });
  }

  /** Moves time to the earliest wake-up once every droplet context that should be running is parked. */
  private check(): void {
    if (!this.batch || this.timers.length === 0) return;
    const expected = Math.min(this.batch.concurrency, this.batch.total - this.finished);
    if (this.running !== expected || this.parked < this.running) return;
    const earliest = Math.min(...this.timers.map((t) => t.at));
    const now = this.sandbox.clock.now();
    if (earliest > now) this.sandbox.advance(earliest - now);
    const due = this.timers.filter((t) => t.at <= earliest);
    this.timers = this.timers.filter((t) => t.at > earliest);
    for (const t of due) {
      for (const park of t.parks) this.unpark(park);
      t.resolve();
    }
  }
}
