/**
 * Step 4, the approval gate: a durable callback whose id goes out in `approval.requested`
 * (the Slack app posts the card and answers with SendDurableExecutionCallbackSuccess).
 * Approve → power off; live → snapshot without power-off; skip → no snapshot; postpone →
 * wait an hour and ask again; nobody answers in time → the plan's `onTimeout`. An answer that
 * is not a valid ApprovalAnswer, or comes from someone who is not an approver, is ignored and
 * the question asked again.
 */
import type { Plan } from "../config/schema";
import { type ApprovalAnswer, isApprovalAnswer } from "../contracts";
import type { Droplet } from "../ports/digitalocean";
import { emit, type RoutineDeps } from "./deps";
import { type DurableSteps, isCallbackTimeout } from "./durable";
import { POSTPONE } from "./timing";

export type ApprovalOutcome = "proceed" | "skip" | "live";

/** Asks are capped so postpones (or stray answers) cannot keep a run waiting forever. */
export const MAX_APPROVAL_ASKS = 24;

export interface ApprovalContext {
  runId: string;
  plan: Plan;
  droplet: Droplet;
  expectedDowntimeSeconds: number;
}

/** Runs the gate and gives what the run does next. */
export async function approvalGate(ctx: DurableSteps, deps: RoutineDeps, a: ApprovalContext): Promise<ApprovalOutcome> {
  const { plan, droplet } = a;
  const approval = plan.snapshot.approval;
  const timeoutSeconds = approval.timeout.seconds;
  const base = { runId: a.runId, plan: plan.name, droplet: droplet.name };

  for (let attempt = 1; attempt <= MAX_APPROVAL_ASKS; attempt++) {
    const label = `${droplet.name} #${attempt}`;
    const [answer, callbackId] = await ctx.createCallback<unknown>(`approval ${label}`, {
      timeout: { seconds: timeoutSeconds },
    });
    await emit(ctx, deps, `approval requested ${label}`, (now) => ({
      ...base,
      type: "approval.requested",
      callbackId,
      dropletId: droplet.id,
      expectedDowntimeSeconds: a.expectedDowntimeSeconds,
      expiresAt: new Date(now + timeoutSeconds * 1000).toISOString(),
      onTimeout: approval.onTimeout,
      approvers: approval.approvers,
      attempt,
    }));

    let raw: unknown;
    try {
      raw = await answer;
    } catch (error) {
      if (!isCallbackTimeout(error)) throw error;
      await emit(ctx, deps, `approval decided ${label}`, {
        ...base,
        type: "approval.decided",
        callbackId,
        decision: "timeout",
        outcome: approval.onTimeout,
      });
      return approval.onTimeout;
    }

    const parsed = parseAnswer(raw);
    if (!parsed || (approval.approvers.length > 0 && !approval.approvers.includes(parsed.by))) continue;

    const outcome = parsed.decision === "approve" ? "proceed" : parsed.decision;
    await emit(ctx, deps, `approval decided ${label}`, {
      ...base,
      type: "approval.decided",
      callbackId,
      decision: parsed.decision,
      outcome,
      decidedBy: parsed.by,
    });
    if (outcome !== "postpone") return outcome;
    await ctx.wait(`postponed ${label}`, POSTPONE);
  }
  return "skip";
}

/** The answer as Slack sends it: ApprovalAnswer as JSON text (or already parsed). */
export function parseAnswer(raw: unknown): ApprovalAnswer | undefined {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  return isApprovalAnswer(value) ? { decision: value.decision, by: value.by } : undefined;
}
