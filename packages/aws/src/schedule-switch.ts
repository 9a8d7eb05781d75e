/**
 * Pauses and resumes a plan's schedule: the State of the plan's EventBridge Scheduler
 * schedule, set with UpdateSchedule. The schedule name comes from a pattern with `{plan}` in
 * it (env `LIFEBOAT_SCHEDULE_PATTERN`, set by the Slack stack), e.g. "lifeboat-prod-plan-{plan}".
 */
import type { SchedulerApi } from "./scheduler-api";

/**
 * @example
 * const schedules = scheduleSwitch({ scheduler, schedulePattern: "lifeboat-prod-plan-{plan}" });
 * await schedules.pause("weekly"); // lifeboat-prod-plan-weekly: State DISABLED
 */
export function scheduleSwitch({
  scheduler,
  schedulePattern,
  groupName = "default",
}: {
  scheduler: SchedulerApi;
  schedulePattern: string;
  groupName?: string;
}) {
  if (!schedulePattern.includes("{plan}")) {
    throw new Error(`the schedule pattern "${schedulePattern}" has no {plan} in it; e.g. "lifeboat-prod-plan-{plan}"`);
  }
  const scheduleName = (plan: string) => schedulePattern.replaceAll("{plan}", plan);

  async function setState(plan: string, state: "ENABLED" | "DISABLED"): Promise<void> {
    const name = scheduleName(plan);
    const schedule = await scheduler.getSchedule(name, groupName);
    if (!schedule) {
      throw new Error(`no schedule ${name} in group ${groupName}; deploy the stack that has plan ${plan}`);
    }
    if (schedule.State === state) return;
    // UpdateSchedule replaces every setting: send the schedule back as it is, with the new state.
    await scheduler.updateSchedule({ ...schedule, State: state });
  }

  return {
    scheduleName,
    pause: (plan: string) => setState(plan, "DISABLED"),
    resume: (plan: string) => setState(plan, "ENABLED"),
    /** true = enabled, false = paused, undefined = no schedule found. */
    async isEnabled(plan: string): Promise<boolean | undefined> {
      const schedule = await scheduler.getSchedule(scheduleName(plan), groupName);
      return schedule === undefined ? undefined : schedule.State === "ENABLED";
    },
  };
}
