/** Time as the client sees it. Tests pass the sandbox's virtual clock so waits cost no real time. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * Optional, for virtual clocks: a request is on its way, do not jump time yet (otherwise it
   * would reach the server minutes "later" than the client sent it).
   */
  enterBusy?(): void;
  leaveBusy?(): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
