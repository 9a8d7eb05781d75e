/**
 * DigitalOcean's per-token limits: a rolling hour (5,000) and a rolling minute (250). Each
 * accepted request counts for an hour; `ratelimit-reset` is when the oldest one expires.
 * A refusal comes in DO's two documented shapes: hour used up → 429 with
 * `ratelimit-remaining: 0` and no `retry-after` (wait for the reset); burst limit (the minute)
 * → 429 with `ratelimit-remaining: 0` too, the hour's reset, and `retry-after` in seconds.
 */
export interface RateLimits {
  perHour: number;
  perMinute: number;
}

export const doRateLimits: RateLimits = { perHour: 5_000, perMinute: 250 };

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string> };

export class TokenRateLimiter {
  private readonly requests = new Map<string, number[]>();

  constructor(readonly limits: RateLimits = doRateLimits) {}

  /** Counts a request at `now` if the token has room; the headers to send either way. */
  take(token: string, now: number): RateDecision {
    const times = (this.requests.get(token) ?? []).filter((t) => t > now - 3_600_000);
    this.requests.set(token, times);
    const inLastMinute = times.filter((t) => t > now - 60_000);
    const hourFull = times.length >= this.limits.perHour;
    const minuteFull = inLastMinute.length >= this.limits.perMinute;
    if (hourFull || minuteFull) {
      const headers: Record<string, string> = { ...this.headers(times, now), "ratelimit-remaining": "0" };
      // Only the burst answer says how long to wait; the hour's answer leaves it to the reset.
      if (!hourFull) {
        const freeAt = inLastMinute[0]! + 60_000;
        headers["retry-after"] = String(Math.max(1, Math.ceil((freeAt - now) / 1000)));
      }
      return { allowed: false, headers };
    }
    times.push(now);
    return { allowed: true, headers: this.headers(times, now) };
  }

  /** The headers for a token without counting a request (401s are not counted). */
  peek(token: string, now: number): Record<string, string> {
    return this.headers(
      (this.requests.get(token) ?? []).filter((t) => t > now - 3_600_000),
      now,
    );
  }

  private headers(times: number[], now: number): Record<string, string> {
    const oldest = times[0] ?? now;
    return {
      "ratelimit-limit": String(this.limits.perHour),
      "ratelimit-remaining": String(Math.max(0, this.limits.perHour - times.length)),
      "ratelimit-reset": String(Math.ceil((oldest + 3_600_000) / 1000)),
    };
  }
}
