/**
 * The sandbox's sense of time. Actions finish when the clock passes their end, so a test can
 * make a 24-minute snapshot finish in milliseconds (virtual) while the demo watches it happen
 * (real time, optionally sped up). Both clocks also offer `sleep`, so the DigitalOcean client
 * can be given the same clock and its waits cost no real time in tests.
 */
export interface SandboxClock {
  /** Milliseconds since the epoch, in this clock's time. */
  now(): number;
  /** Resolves once `ms` of this clock's time have passed. */
  sleep(ms: number): Promise<void>;
}

interface Sleeper {
  at: number;
  resolve: () => void;
}

/**
 * Discrete-event time: `now()` only moves when a test calls `advance`, or when every caller is
 * asleep and nothing is in flight, in which case it jumps to the earliest wake-up. Concurrent
 * sleepers therefore overlap like they would in real time: 60 droplets that each wait 24 min
 * take 24 virtual minutes, not 60 × 24.
 *
 * @example
 * const clock = new VirtualClock(Date.parse("2026-01-04T03:00:00Z"));
 * await clock.sleep(24 * 60_000); // returns at once in real time; clock.now() moved 24 min
 */
export class VirtualClock implements SandboxClock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private busy = 0;
  private pumpScheduled = false;

  constructor(start = Date.parse("2026-01-04T03:00:00Z")) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ at: this.current + Math.max(0, ms), resolve });
      this.schedulePump();
    });
  }

  /** Moves time forward by `ms`, waking every sleeper whose time has come. */
  advance(ms: number): void {
    this.current += Math.max(0, ms);
    this.wakeDue();
  }

  /** The sandbox marks requests in flight so time does not jump while one is being served. */
  enterBusy(): void {
    this.busy++;
  }

  leaveBusy(): void {
    this.busy--;
    if (this.busy === 0) this.schedulePump();
  }

  private wakeDue(): void {
    const due = this.sleepers.filter((s) => s.at <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.at > this.current);
    for (const s of due) s.resolve();
  }

  // A real macrotask between jumps lets woken callers issue their next request (which marks the
  // clock busy) before time moves again.
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setTimeout(() => {
      this.pumpScheduled = false;
      if (this.sleepers.length === 0) return;
      if (this.busy > 0) return; // leaveBusy reschedules
      const earliest = Math.min(...this.sleepers.map((s) => s.at));
      if (earliest > this.current) this.current = earliest;
      this.wakeDue();
      if (this.sleepers.length > 0) this.schedulePump();
    }, 1);
  }
}

/**
 * Wall-clock time sped up by `speed` (1 = real time). For the demo: a 24-minute snapshot at
 * speed 60 takes 24 real seconds.
 */
export class RealTimeClock implements SandboxClock {
  private readonly realStart = Date.now();
  /** Time jumped forward by `advance`. */
  private skipped = 0;

  constructor(private readonly speed = 1) {
    if (!(speed > 0)) throw new Error(`sandbox clock speed must be a positive number, got ${speed}`);
  }

  now(): number {
    return this.realStart + (Date.now() - this.realStart) * this.speed + this.skipped;
  }

  /**
   * Jumps forward by `ms` (e.g. past a droplet's maxDowntime, for the watchdog): actions due by
   * then are over at the next request. Sleepers already waiting keep their real-time timers.
   */
  advance(ms: number): void {
    this.skipped += Math.max(0, ms);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms) / this.speed));
  }
}
