/**
 * The time a local run lives in: the wall clock against DigitalOcean, or a sandbox's sped-up
 * clock (the demo runs a 24-minute snapshot in seconds). The routine's waits and the client's
 * sleeps are divided by `speed`; `now()` is what the routine and the report read.
 */
export interface TimeBase {
  /** Milliseconds since the epoch, in the run's time. */
  now(): number;
  /** How much faster than the wall clock (1 against DigitalOcean). */
  speed: number;
  /** Real milliseconds for `ms` of the run's time (capped to what setTimeout accepts). */
  realMs(ms: number): number;
  sleep(ms: number): Promise<void>;
}

const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * @example speedTime(100).realMs(60_000) // 600: a minute of sandbox time is 0.6 s
 * @param now the clock to read; default the wall clock sped up from this moment on
 */
export function speedTime(speed: number, now?: () => number): TimeBase {
  const start = Date.now();
  const read = now ?? (() => start + (Date.now() - start) * speed);
  const realMs = (ms: number) => Math.min(MAX_TIMEOUT_MS, Math.max(0, ms) / speed);
  return {
    now: read,
    speed,
    realMs,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, realMs(ms))),
  };
}
