/**
 * Finding a plan by name, and what to say when there is none: the CLI, the Slack app, the
 * deployed backend and the routine all ask here.
 */
import type { LifeboatConfig, Plan } from "./schema";

/** Where the config is said to be when the caller cannot name the file (Slack, Lambda). */
const CONFIG_FILE = "lifeboat.config.ts";

/** The plan of that name, or undefined where a name may well be gone (an old run's plan). */
export function findPlan(config: LifeboatConfig, name: string): Plan | undefined {
  return config.plans.find((p) => p.name === name);
}

/** What is wrong with a name that is no plan: the plans there are, and the file they are in. */
export function unknownPlanMessage(config: LifeboatConfig, name: string, configFile = CONFIG_FILE): string {
  return `no plan named "${name}" in ${configFile}; the plans are: ${config.plans.map((p) => p.name).join(", ")}`;
}

/** A plan name that is not in the config; its message is unknownPlanMessage's. */
export class UnknownPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnknownPlanError";
  }
}

/** The plan of that name, or an UnknownPlanError naming the plans there are. Pure, so a replay may run it. */
export function planNamed(config: LifeboatConfig, name: string, configFile = CONFIG_FILE): Plan {
  const plan = findPlan(config, name);
  if (!plan) throw new UnknownPlanError(unknownPlanMessage(config, name, configFile));
  return plan;
}
