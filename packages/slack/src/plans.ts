/** Who may do what with a plan, from the validated lifeboat config (finding one: core's findPlan). */
import type { Plan } from "@lifeboat/core";

/** Slack user ids whose approval clicks count, and who may power off, delete or restore. */
export function approversOf(plan: Plan): string[] {
  return plan.snapshot.approval.approvers;
}

export function isApprover(plan: Plan, userId: string): boolean {
  return approversOf(plan).includes(userId);
}

/** A run of this plan powers droplets off. */
export function powersOff(plan: Plan): boolean {
  return plan.snapshot.mode === "offline";
}

/** The refusal for someone who is not among a plan's approvers. */
export function notApproverProblem(plan: Plan, what: string): string {
  const who = approversOf(plan);
  return who.length
    ? `only the approvers of plan "${plan.name}" (${who.map((u) => `<@${u}>`).join(", ")}) may ${what}`
    : `plan "${plan.name}" has no approvers, so nobody may ${what} from Slack; add Slack user ids to its snapshot.approval.approvers in lifeboat.config.ts`;
}
