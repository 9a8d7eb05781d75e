/**
 * How one DigitalOcean request survives the real API: 429 → wait `retry-after` (the burst
 * limit) or until `ratelimit-reset` (the hour used up), within `maxRateLimitWaitMs`, and
 * retry; 5xx and network errors → bounded, jittered retries, after asking `recover`
 * whether the first try already did the work (action POSTs must not run twice); 422 "pending
 * event" → wait for the droplet's in-flight action, then retry. Anything else becomes a
 * `DigitalOceanError` at once.
 */
import { isAxiosError } from "axios";
import type { Clock } from "./clock";
import { DigitalOceanError, scrub } from "./errors";
import { isBurstRefusal, type RateBudget } from "./rate-budget";

/** What a call gives back: dots-wrapper's responses and axios' both have `data`. */
export interface Answer<T> {
  data: T;
}

export interface RetryLimits {
  /** Tries for 5xx and network errors (first one included). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429s tolerated for one call before giving up. */
  maxRateLimited: number;
  /** Longest wait one 429 may impose; a longer one fails the call at once, saying until when. */
  maxRateLimitWaitMs: number;
  /** Pending-event waits for one call before giving up. */
  maxPendingEventWaits: number;
}

export const defaultRetryLimits: RetryLimits = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRateLimited: 8,
  // DO's hourly reset is at most an hour away; the minute covers clocks that disagree.
  maxRateLimitWaitMs: 3_660_000,
  maxPendingEventWaits: 3,
};

/** What the client logs. Never includes the token. */
export type ClientLogEvent =
  | { event: "retry"; operation: string; dropletId?: number; attempt: number; reason: string; delayMs: number }
  | { event: "rate_limited"; operation: string; waitMs: number; limit: RateLimitKind }
  | { event: "pending_event"; operation: string; dropletId?: number }
  | { event: "recovered"; operation: string; dropletId?: number; reason: string };

/** Which of DO's limits refused: the burst (250 a minute) or the hour (5,000). */
export type RateLimitKind = "burst" | "hourly";

export interface CallSpec<T> {
  operation: string;
  dropletId?: number;
  send(): Promise<Answer<T>>;
  /**
   * After a 5xx or network error: did the failed try do the work anyway? Return the result to
   * use instead of retrying. Required for calls that are not safe to repeat.
   */
  recover?(failedSince: number): Promise<Answer<T> | undefined>;
  /** For a 422 pending event: waits until the droplet's in-flight action ends. */
  waitForPendingEvent?(): Promise<void>;
}

export interface CallEnv {
  clock: Clock;
  budget: RateBudget;
  limits: RetryLimits;
  token: string;
  random: () => number;
  log: (event: ClientLogEvent) => void;
  counters: { rateLimited: number; retries: number };
}

export async function callWithRetries<T>(env: CallEnv, spec: CallSpec<T>): Promise<Answer<T>> {
  let attempts = 0;
  let rateLimited = 0;
  let pendingWaits = 0;
  for (;;) {
    attempts++;
    const startedAt = env.clock.now();
    try {
      return await spec.send();
    } catch (error) {
      const status = isAxiosError(error) ? error.response?.status : undefined;
      if (status === 429 && rateLimited < env.limits.maxRateLimited) {
        rateLimited++;
        attempts--;
        env.counters.rateLimited++;
        const now = env.clock.now();
        const { limit, waitMs } = rateLimitWait(error, now);
        if (waitMs > env.limits.maxRateLimitWaitMs) {
          throw waitTooLong(toDigitalOceanError(error, spec, attempts, env.token), limit, now, waitMs, env.limits);
        }
        env.budget.pauseUntil(now + waitMs);
        env.log({ event: "rate_limited", operation: spec.operation, waitMs, limit });
        continue; // the budget holds the retry back until the pause ends
      }
      if (
        status === 422 &&
        spec.waitForPendingEvent &&
        isPendingEvent(error) &&
        pendingWaits < env.limits.maxPendingEventWaits
      ) {
        pendingWaits++;
        attempts--;
        env.log({ event: "pending_event", operation: spec.operation, dropletId: spec.dropletId });
        await spec.waitForPendingEvent();
        continue;
      }
      const transient = status === undefined ? isAxiosError(error) : status >= 500;
      if (!transient || attempts >= env.limits.maxAttempts) throw toDigitalOceanError(error, spec, attempts, env.token);
      if (spec.recover) {
        const recovered = await spec.recover(startedAt);
        if (recovered) {
          env.log({
            event: "recovered",
            operation: spec.operation,
            dropletId: spec.dropletId,
            reason: reasonOf(error),
          });
          return recovered;
        }
      }
      const delayMs = Math.round(
        env.random() * Math.min(env.limits.maxDelayMs, env.limits.baseDelayMs * 2 ** attempts),
      );
      env.counters.retries++;
      env.log({
        event: "retry",
        operation: spec.operation,
        dropletId: spec.dropletId,
        attempt: attempts,
        reason: scrub(reasonOf(error), env.token),
        delayMs,
      });
      await env.clock.sleep(delayMs);
    }
  }
}

/**
 * DO's two 429s: at the burst limit it says `retry-after` (its `ratelimit-reset` is the hour's,
 * up to an hour away, and is not the wait); with the hour used up it says only `ratelimit-reset`.
 */
function rateLimitWait(error: unknown, now: number): { limit: RateLimitKind; waitMs: number } {
  const headers = (isAxiosError(error) ? error.response?.headers : undefined) ?? {};
  if (isBurstRefusal(headers)) return { limit: "burst", waitMs: Number(headers["retry-after"]) * 1000 };
  const reset = Number(headers["ratelimit-reset"]);
  if (Number.isFinite(reset) && reset * 1000 > now) return { limit: "hourly", waitMs: reset * 1000 - now };
  return { limit: "hourly", waitMs: 60_000 };
}

function waitTooLong(
  refused: DigitalOceanError,
  limit: RateLimitKind,
  now: number,
  waitMs: number,
  limits: RetryLimits,
): DigitalOceanError {
  const until = new Date(now + waitMs).toISOString();
  const minutes = (ms: number) => `${Math.ceil(ms / 60_000)} min`;
  const what =
    limit === "burst"
      ? `DigitalOcean asked to wait ${minutes(waitMs)} (retry-after)`
      : `this token's hourly request limit is used up until ${until} (${minutes(waitMs)} from now)`;
  return new DigitalOceanError({
    kind: "api",
    operation: refused.operation,
    dropletId: refused.dropletId,
    status: refused.status,
    doId: refused.doId,
    detail: `${what}, longer than lifeboat waits for one request (${minutes(limits.maxRateLimitWaitMs)}); try again after ${until} (every tool using this token shares the limit)`,
    requestId: refused.requestId,
    attempts: refused.attempts,
  });
}

function isPendingEvent(error: unknown): boolean {
  const message = isAxiosError(error)
    ? (error.response?.data as { message?: unknown } | undefined)?.message
    : undefined;
  return typeof message === "string" && /pending event/i.test(message);
}

function reasonOf(error: unknown): string {
  if (!isAxiosError(error)) return String(error);
  if (error.response) return `HTTP ${error.response.status}`;
  return error.code ?? "network error";
}

/** Builds the typed error from DO's answer only: never from the axios error's config or request. */
export function toDigitalOceanError(
  error: unknown,
  spec: { operation: string; dropletId?: number },
  attempts: number,
  token: string,
): DigitalOceanError {
  if (error instanceof DigitalOceanError) return error;
  if (isAxiosError(error) && error.response) {
    const data = (error.response.data ?? {}) as { id?: unknown; message?: unknown; request_id?: unknown };
    const requestId = data.request_id ?? error.response.headers["x-request-id"];
    return new DigitalOceanError({
      kind: "api",
      operation: spec.operation,
      dropletId: spec.dropletId,
      status: error.response.status,
      doId: typeof data.id === "string" ? scrub(data.id, token) : undefined,
      detail: scrub(typeof data.message === "string" ? data.message : `HTTP ${error.response.status}`, token),
      requestId: typeof requestId === "string" ? requestId : undefined,
      attempts,
    });
  }
  const detail = isAxiosError(error) ? `${error.code ?? "network error"}: ${error.message}` : String(error);
  return new DigitalOceanError({
    kind: "network",
    operation: spec.operation,
    dropletId: spec.dropletId,
    detail: scrub(detail, token),
    attempts,
  });
}
