/**
 * Fault injection: a test says what should go wrong, for which operation (the spec's
 * operationId, or "*"), and how many times. Faults are used up in the order they were added.
 */
export type Fault =
  /** Answer with this 5xx status and DO's error body. */
  | { kind: "status"; status: 500 | 502 | 503 | 504 }
  /** Answer 429 as DO does at its burst limit: DO's body, `ratelimit-remaining: 0` and `retry-after`. */
  | { kind: "rate-limit"; retryAfterSeconds?: number }
  /** Hold the answer this many real milliseconds. */
  | { kind: "latency"; ms: number }
  /** Destroy the connection: before the request is handled, or after (the work is done, the answer lost). */
  | { kind: "drop"; when: "before" | "after" }
  /** The next action this operation starts ends `errored`. */
  | { kind: "action-errored" }
  /** The next shutdown reports completed while the droplet stays on (DO's quirk). */
  | { kind: "shutdown-stays-on" };

export interface FaultRule {
  operationId: string;
  fault: Fault;
  /** How many calls it hits; default 1. */
  times?: number;
  /** Only calls about this droplet. */
  dropletId?: number;
}

interface ActiveRule extends FaultRule {
  left: number;
}

export class FaultPlan {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Takes (uses up) the faults that apply to this call, at most one of each kind. */
  take(operationId: string, dropletId: number | undefined): Fault[] {
    const taken: Fault[] = [];
    const kinds = new Set<string>();
    for (const rule of this.rules) {
      if (rule.left <= 0 || kinds.has(rule.fault.kind)) continue;
      if (rule.operationId !== "*" && rule.operationId !== operationId) continue;
      if (rule.dropletId !== undefined && rule.dropletId !== dropletId) continue;
      rule.left--;
      kinds.add(rule.fault.kind);
      taken.push(rule.fault);
    }
    this.rules = this.rules.filter((r) => r.left > 0);
    return taken;
  }

  get pending(): number {
    return this.rules.reduce((n, r) => n + r.left, 0);
  }
}
