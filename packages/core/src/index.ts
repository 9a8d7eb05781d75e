export { ConfigError, defineConfig, type ParsedConfig, parseConfig, validateConfig } from "./config/define";
export { type ConfigProblem, formatPath } from "./config/problems";
export {
  configSchema,
  type DropletSelector,
  type LifeboatConfig,
  type LifeboatConfigInput,
  type Plan,
  type RetentionPolicy,
  type StorageConfig,
} from "./config/schema";
export {
  type ApprovalAnswer,
  type ApprovalDecision,
  executionName,
  isApprovalAnswer,
  type RunRequest,
} from "./contracts";
export {
  type CostLine,
  type CostReport,
  DIGITALOCEAN_SNAPSHOT_PER_GB_MONTH,
  expectedSnapshotSeconds,
  monthlyCost,
  type PlanUsage,
  PRICES,
  type Prices,
} from "./cost";
export { formatDuration, parseDuration } from "./duration";
export { EVENT_SOURCE, type EventOf, type EventSink, type LifeboatEvent, type LifeboatEventType } from "./events";
export { describePlan, type PlanSummary } from "./plan-summary";
export type {
  ActionStatus,
  Droplet,
  DropletAction,
  DropletApi,
  DropletSnapshot,
  DropletStatus,
} from "./ports/digitalocean";
export {
  applyRetention,
  isoWeek,
  type KeepReason,
  type Retainable,
  type RetentionDecision,
} from "./retention/policy";
export { type RetentionSimulation, simulateRetention } from "./retention/simulate";
export { nextRuns, parseSchedule, type Schedule } from "./schedule";
export { parseSnapshotName, snapshotName, snapshotPrefix } from "./snapshot-name";
