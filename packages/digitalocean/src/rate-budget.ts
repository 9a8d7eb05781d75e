/**
 * One request budget per token for the whole process, shared by every client and every
 * concurrent call. DO allows 250 requests a minute and 5,000 an hour per token; the budget
 * spaces requests so neither is reached, reading `ratelimit-remaining` / `ratelimit-reset` from
 * every response, and holds everyone back after a 429 until `retry-after` has passed.
 *
 * DO answers its burst limit (250 a minute) with `ratelimit-remaining: 0` and the hour's
 * `ratelimit-reset`, up to an hour away, beside `retry-after`. That zero is the minute's, not
 * the hour's: read as the hour's it would hold every request until the reset.
 */
import { createHash } from "node:crypto";
import type { Clock } from "./clock";

export interface BudgetLimits {
  /** Requests this process allows itself per rolling minute (DO: 250; default leaves headroom). */
  perMinute: number;
  /** Below this many requests left in the hour, spread the rest evenly until the reset. */
  hourlyLowWater: number;
  /** Never spend the last few: kept for the watchdog's power-on. */
  hourlyReserve: number;
}

export const defaultBudgetLimits: BudgetLimits = { perMinute: 230, hourlyLowWater: 500, hourlyReserve: 20 };

export class RateBudget {
  private sent: number[] = [];
  private remaining: number | undefined;
  private resetAt = 0;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  /** Until the first answer tells us what is left of the hour, one request at a time. */
  private probe: Promise<void> | undefined;
  private probeDone: (() => void) | undefined;
  /** Total milliseconds callers were held back. */
  waitedMs = 0;

  constructor(
    private readonly clock: Clock,
    readonly limits: BudgetLimits = defaultBudgetLimits,
  ) {}

  /** Waits until one more request fits the budget, then counts it. Calls are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForRoom());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Reads DO's rate-limit headers from any response. */
  observe(headers: Record<string, unknown>): void {
    this.probeDone?.();
    this.probe = undefined;
    this.probeDone = undefined;
    if (isBurstRefusal(headers)) return; // says nothing about the hour; `pauseUntil` covers the wait
    const remaining = Number(headers["ratelimit-remaining"]);
    const reset = Number(headers["ratelimit-reset"]);
    if (Number.isFinite(remaining)) this.remaining = remaining;
    if (Number.isFinite(reset)) this.resetAt = reset * 1000;
  }

  /** After a 429: nobody sends until `until`. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  private async waitForRoom(): Promise<void> {
    while (this.remaining === undefined && this.probe) await this.probe;
    if (this.remaining === undefined) {
      this.probe = new Promise((resolve) => {
        this.probeDone = resolve;
      });
    }
    for (;;) {
      const now = this.clock.now();
      this.sent = this.sent.filter((t) => t > now - 60_000);
      const wait = Math.max(this.pausedUntil - now, this.minuteWait(now), this.hourWait(now));
      if (wait <= 0) break;
      this.waitedMs += wait;
      await this.clock.sleep(wait);
    }
    this.sent.push(this.clock.now());
    if (this.remaining !== undefined) this.remaining--;
  }

  private minuteWait(now: number): number {
    if (this.sent.length < this.limits.perMinute) return 0;
    return this.sent[this.sent.length - this.limits.perMinute]! + 60_000 - now;
  }

  private hourWait(now: number): number {
    if (this.remaining === undefined || this.remaining > this.limits.hourlyLowWater) return 0;
    const untilReset = Math.max(0, this.resetAt - now);
    if (this.remaining <= this.limits.hourlyReserve) {
      if (untilReset > 0) return untilReset;
      // The oldest request has expired, so one slot is free; its answer brings fresh headers.
      // Until then (at most a second) nobody else goes.
      this.remaining = this.limits.hourlyReserve + 1;
      this.resetAt = now + 1_000;
      return 0;
    }
    // Spread what is left over the time until the oldest request expires.
    const spacing = untilReset / (this.remaining - this.limits.hourlyReserve);
    const last = this.sent[this.sent.length - 1] ?? 0;
    return last + spacing - now;
  }
}

/** A 429 at DO's burst limit: the only answer that carries `retry-after`. */
export function isBurstRefusal(headers: Record<string, unknown>): boolean {
  const retryAfter = Number(headers["retry-after"]);
  return Number.isFinite(retryAfter) && retryAfter > 0;
}

const budgets = new Map<string, RateBudget>();

/** The process-wide budget for a token (keyed by a hash, so the token is not kept as a key). */
export function sharedBudget(endpoint: string, token: string, clock: Clock, limits?: BudgetLimits): RateBudget {
  const key = createHash("sha256").update(`${endpoint}\n${token}`).digest("hex");
  let budget = budgets.get(key);
  if (!budget) {
    budget = new RateBudget(clock, limits);
    budgets.set(key, budget);
  }
  return budget;
}
