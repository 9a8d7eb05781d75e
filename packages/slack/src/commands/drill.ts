/**
 * `/lifeboat drill <droplet> [plan]`: a restore drill of one droplet, approvers only (it boots a
 * scratch droplet billed by the hour). The fast half refuses who approves no plan; the deferred
 * half finds the droplet and its plan (core's drillPlanOf), checks the approver of that plan,
 * and starts `backup-run` with a DrillRequest.
 */
import { drillPlanOf, type LifeboatConfig } from "@lifeboat/core";
import type { SlackDeps } from "../deps";
import { problemMessage, type SlackMessage } from "../message";
import { isApprover, notApproverProblem } from "../plans";
import { type Command, USAGE } from "./parse";

type DrillCommand = Extract<Command, { name: "drill" }>;

/** What a non-approver may not do, in the refusal's words. */
export const DRILL_ACTION = "start a restore drill (it boots a scratch droplet, billed by the hour)";

/** A refusal before anything is looked up: without a plan named, who approves no plan at all. */
export function drillRefusedEarly(config: LifeboatConfig, userId: string): SlackMessage | undefined {
  if (config.plans.some((plan) => isApprover(plan, userId))) return undefined;
  return problemMessage(
    `only a plan's approvers may ${DRILL_ACTION}, and <@${userId}> approves no plan; a plan's approvers are its snapshot.approval.approvers in lifeboat.config.ts`,
  );
}

/** The deferred half: droplet → plan → approver → start. Nothing starts unless all hold. */
export async function answerDrill(command: DrillCommand, userId: string, deps: SlackDeps): Promise<SlackMessage> {
  const found = await deps.backend.findDroplet(command.droplet);
  if (!found) return problemMessage(`no droplet named "${command.droplet}" on this account`, USAGE.drill);
  const choice = drillPlanOf(deps.config, found, command.plan);
  if (!choice.ok) return problemMessage(choice.problem, USAGE.drill);
  const plan = choice.plan;
  if (!isApprover(plan, userId)) {
    deps.logger.warn(`refused /lifeboat drill ${found.name} from ${userId}: not an approver of ${plan.name}`);
    return problemMessage(notApproverProblem(plan, DRILL_ACTION));
  }
  const result = await deps.startDrill({
    kind: "drill",
    plan: plan.name,
    droplet: found.name,
    trigger: "slack",
    requestedBy: userId,
  });
  if (!result.started) {
    return problemMessage(`drill \`${result.runId}\` was not started: ${result.reason}; try again in a second`);
  }
  deps.logger.info(`drill ${result.runId} of ${found.name} (plan ${plan.name}) started by ${userId}`);
  return {
    text: `<@${userId}> started drill \`${result.runId}\` of *${found.name}* (plan *${plan.name}*): a scratch droplet from its latest snapshot, checked, then destroyed; its report follows in a thread.`,
    inChannel: true,
  };
}
