export { ConfigError, defineConfig, type ParsedConfig, parseConfig, validateConfig } from "./config/define";
export { findPlan, planNamed, UnknownPlanError, unknownPlanMessage } from "./config/plan-named";
export { type ConfigProblem, formatPath } from "./config/problems";
export {
  configSchema,
  DEFAULT_VOLUME_HELPER_IMAGE,
  type DropletSelector,
  type Duration,
  type LifeboatConfig,
  type LifeboatConfigInput,
  type Plan,
  type RetentionPolicy,
  type SshConfig,
  type SshDropletConfig,
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
  monthlyCost,
  type PlanUsage,
  PRICES,
  type PriceList,
  type Prices,
  pricesFor,
} from "./cost";
export { formatDuration, parseDuration } from "./duration";
export {
  EVENT_SOURCE,
  EVENT_TYPES,
  type EventOf,
  type EventSink,
  type LifeboatEvent,
  type LifeboatEventType,
} from "./events";
export { type FleetCost, fleetCost } from "./fleet-usage";
export type { ContainerEntry, VolumeEntry } from "./manifest-entries";
export { planDroplets, selects, unknownDroplets } from "./plan-droplets";
export { describePlan, type PlanSummary } from "./plan-summary";
export type { ArchiveCatalog, ArchiveRun, RefusedKey } from "./ports/archive-catalog";
export type {
  ActionStatus,
  Droplet,
  DropletAction,
  DropletApi,
  DropletSnapshot,
  DropletStatus,
} from "./ports/digitalocean";
export { decideRetention, RELEASED, type RetentionTargetName, type RetentionVerdict } from "./retention/decide";
export { type OwnSnapshot, ownSnapshots } from "./retention/own-snapshots";
export {
  applyRetention,
  isoWeek,
  type KeepReason,
  type Retainable,
  type RetentionDecision,
} from "./retention/policy";
export { type RetentionSimulation, simulateRetention } from "./retention/simulate";
export {
  itemLabel,
  type RetentionItem,
  type RetentionPorts,
  type RetentionReport,
  type RetentionRequest,
  runRetention,
} from "./retention/use-case";
export { approvalGate, MAX_APPROVAL_ASKS, parseAnswer } from "./routine/approval";
export { backupDroplet, type DropletOutcome, type PhaseStatus } from "./routine/backup-droplet";
export {
  busyMessage,
  CLAIM_MARGIN_SECONDS,
  type Claimed,
  claimDroplet,
  claimLifetimeSeconds,
  claimsOn,
  type Holder,
  keepClaim,
  releaseClaim,
} from "./routine/claim";
export {
  type ClaimTag,
  claimingTag,
  claimTag,
  parseClaimingTag,
  parseClaimTag,
  startedBy,
} from "./routine/claim-tag";
export { type EventDraft, emit, type RoutineDeps } from "./routine/deps";
export {
  type DropletPreview,
  type PreviewRun,
  previewDroplet,
  type RetentionPreview,
  type SnapshotPreview,
} from "./routine/dry-run";
export { bytesText, describePreview, previewLines } from "./routine/dry-run-text";
export {
  type ConditionOptions,
  type DurableSteps,
  isCallbackTimeout,
  type MapItemResult,
  type RetryDecision,
  runOnce,
  type StepOptions,
  type Wait,
  type WaitDecision,
} from "./routine/durable";
export { PhaseError } from "./routine/failure";
export {
  type ArchiveRetention,
  type ContainerInfo,
  type DropletHost,
  type DropletHosts,
  type DuplicityResult,
  type HookOutcome,
  type HostPreview,
  type HostRun,
  type Inventory,
  isRetryable,
  type NoDropletHost,
  type StoredArchive,
} from "./routine/host";
export { type OffMarker, offMarkerTag, parseOffMarker } from "./routine/off-marker";
export { elapsedBefore, type PollPlan, type PollState, pollUntil } from "./routine/poll";
export { isPowerOnStep, powerOnStepName } from "./routine/power";
export { type RunResult, runPlan } from "./routine/run-plan";
export {
  estimateSnapshot,
  expectedSnapshotSeconds,
  firstSnapshotCheck,
  type SnapshotEstimate,
  snapshotGiveUpSeconds,
  snapshotPollDelay,
} from "./routine/timing";
export { type DropletOutcomeWord, RUN_OUTCOMES, type RunOutcome, runOutcomeOf } from "./run-outcome";
export { nextRuns, parseSchedule, type Schedule } from "./schedule";
export { parseSnapshotName, snapshotName, snapshotPrefix } from "./snapshot-name";
export { type WatchdogDeps, type WatchdogReport, watchdogRound } from "./watchdog";
