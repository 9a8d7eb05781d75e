/**
 * Pauses and resumes a plan's schedule: EventBridge DisableRule / EnableRule on the plan's
 * rule. The rule name comes from a pattern with `{plan}` in it (env `LIFEBOAT_RULE_PATTERN`,
 * set by the Backups stack), e.g. "lifeboat-prod-plan-{plan}".
 */
import {
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  type EventBridgeClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-eventbridge";

export interface ScheduleSwitch {
  /** The rule's name for a plan. */
  ruleName(plan: string): string;
  pause(plan: string): Promise<void>;
  resume(plan: string): Promise<void>;
  /** true = enabled, false = paused, undefined = no rule found. */
  isEnabled(plan: string): Promise<boolean | undefined>;
}

/**
 * @example
 * const schedules = scheduleSwitch({ eventBridge, rulePattern: "lifeboat-prod-plan-{plan}" });
 * await schedules.pause("weekly"); // DisableRule lifeboat-prod-schedule-weekly
 */
export function scheduleSwitch({
  eventBridge,
  rulePattern,
  eventBusName,
}: {
  eventBridge: EventBridgeClient;
  rulePattern: string;
  eventBusName?: string;
}): ScheduleSwitch {
  if (!rulePattern.includes("{plan}")) {
    throw new Error(`the rule pattern "${rulePattern}" has no {plan} in it; e.g. "lifeboat-prod-plan-{plan}"`);
  }
  const ruleName = (plan: string) => rulePattern.replaceAll("{plan}", plan);
  const bus = eventBusName ? { EventBusName: eventBusName } : {};
  return {
    ruleName,
    async pause(plan) {
      await eventBridge.send(new DisableRuleCommand({ Name: ruleName(plan), ...bus }));
    },
    async resume(plan) {
      await eventBridge.send(new EnableRuleCommand({ Name: ruleName(plan), ...bus }));
    },
    async isEnabled(plan) {
      try {
        const rule = await eventBridge.send(new DescribeRuleCommand({ Name: ruleName(plan), ...bus }));
        return rule.State === "ENABLED";
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
  };
}
