import { validateConfig } from "@lifeboat/core";
import rawConfig from "../lifeboat.config";

/** The validated plan configuration: a bad config stops `sst deploy` with every problem listed. */
export const lifeboatConfig = validateConfig(rawConfig);

/** The EventBridge Scheduler schedule name of a plan, predictable so Slack's pause/resume can find it. */
export const planScheduleName = (stage: string, plan: string) => `lifeboat-${stage}-plan-${plan}`;

/** The EventBridge Scheduler schedule name of a plan's restore drill. */
export const drillScheduleName = (stage: string, plan: string) => `lifeboat-${stage}-drill-${plan}`;
