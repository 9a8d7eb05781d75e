export {
  BACKUPS_SHARE,
  type DropletBackupsCost,
  dropletBackupsCost,
} from "./backups-cost";
export { defineConfig, parseConfig, validateConfig } from "./config/define";
export { findPlan, planNamed, UnknownPlanError, unknownPlanMessage } from "./config/plan-named";
export type { ConfigProblem } from "./config/problems";
export {
  configSchema,
  DEFAULT_VOLUME_HELPER_IMAGE,
  type DropletSelector,
  type LifeboatConfig,
  type LifeboatConfigInput,
  type Plan,
  type RetentionPolicy,
  type SshConfig,
  type StorageConfig,
} from "./config/schema";
export {
  type ApprovalAnswer,
  type ApprovalDecision,
  type BackupRunInput,
  type DrillRequest,
  executionName,
  isApprovalAnswer,
  isDrillRequest,
  isVerifyRequest,
  type RunRequest,
  type VerifyRequest,
} from "./contracts";
export {
  type CostReport,
  monthlyCost,
  type PlanUsage,
  PRICES,
  type PriceList,
  type Prices,
  pricesFor,
} from "./cost";
export { chooseSize } from "./drill/choose-size";
export { chooseSnapshot } from "./drill/choose-snapshot";
export type {
  ArchiveDownloads,
  ArchiveDownloadUrls,
  DrillBackup,
  DrillBackups,
  DrillDeps,
  DrillShell,
  DrillVolume,
  ScratchAccess,
} from "./drill/ports";
export { type DrillResult, runDrill } from "./drill/run-drill";
export {
  DRILL_EGRESS_FIREWALL_PREFIX,
  DRILL_FIREWALL_NAME,
  DRILL_TAG,
  drillDropletAge,
  drillDropletName,
  drillEgressFirewall,
  drillFirewall,
  drillIdTag,
  drillTags,
  parseDrillIdTag,
} from "./drill/tags";
export { type DrillHostKey, drillUserData } from "./drill/user-data";
export { drillPlanOf } from "./drill-plan";
export { keptScratchHint, usdText } from "./drill-text";
export { backupsOwner, ownedElsewhereText } from "./droplet-backups/owner";
export {
  type BackupsChange,
  backupsChange,
  backupsStateText,
  reconciledText,
  stateAfter,
} from "./droplet-backups/reconcile";
export {
  backupWindowDecision,
  type KnownBackups,
  windowsBetween,
  windowText,
} from "./droplet-backups/window";
export { formatDuration, parseDuration } from "./duration";
export {
  API_CALLS_METRIC,
  METRIC_NAMESPACE,
  type MetricRecord,
  metricsOfEvent,
  RUN_FAILURE_METRICS,
  RUN_SUCCEEDED_METRIC,
  runOutcomeMetric,
  WATCHDOG_RECOVERED_METRIC,
} from "./event-metrics";
export {
  type DrillCheckResult,
  EVENT_SOURCE,
  EVENT_TYPES,
  type EventOf,
  type EventSink,
  type LifeboatEvent,
} from "./events";
export { fleetCost } from "./fleet-usage";
export {
  isKeptName,
  KeepFailed,
  keepBackup,
  keptSnapshotName,
} from "./kept-backup";
export { listedSnapshot, newestFirst } from "./listed-snapshot";
export type { ContainerEntry, VolumeEntry } from "./manifest-entries";
export { planDroplets, selects, unknownDroplets } from "./plan-droplets";
export { describePlan } from "./plan-summary";
export type { ArchiveCatalog, ArchiveRun, RefusedKey } from "./ports/archive-catalog";
export type {
  Account,
  BackupPolicy,
  CreatedDroplet,
  Droplet,
  DropletAction,
  DropletApi,
  DropletBackup,
  DropletBackupPolicy,
  DropletFirewall,
  DropletFirewallSpec,
  DropletSize,
  DropletSnapshot,
  DropletStatus,
  Firewall,
  FirewallSpec,
  Image,
  ImageAction,
} from "./ports/digitalocean";
export type { Pinger, PingRequest, PingResult, PingSignal } from "./ports/pinger";
export type { RunHistory } from "./ports/run-history";
export { redactUrl } from "./redact-url";
export { decideRetention, type RetentionTargetName, type RetentionVerdict } from "./retention/decide";
export { decideHistory } from "./retention/history";
export { ownSnapshots } from "./retention/own-snapshots";
export {
  applyRetention,
  isoWeek,
} from "./retention/policy";
export { simulateRetention } from "./retention/simulate";
export {
  itemLabel,
  type RetentionReport,
  runRetention,
} from "./retention/use-case";
export { parseAnswer } from "./routine/approval";
export type { DropletOutcome, PhaseStatus } from "./routine/backup-droplet";
export {
  busyMessage,
  type Claimed,
  claimDroplets,
  type RunClaim,
} from "./routine/claim";
export {
  type ClaimTag,
  claimTag,
  parseClaimTag,
  startedBy,
} from "./routine/claim-tag";
export {
  copyGiveUpSeconds,
  copyLookDelay,
  copyRegionsFor,
  firstCopyLook,
  TRANSFER_GIVE_UP_SECONDS,
} from "./routine/copy-plan";
export type { RoutineDeps } from "./routine/deps";
export { bytesText, previewLines } from "./routine/dry-run-text";
export { followDuplicityVerify } from "./routine/duplicity-verify-step";
export {
  type ConditionOptions,
  type DurableSteps,
  isCallbackTimeout,
  type MapItemResult,
  type RetryDecision,
  runOnce,
  type StepOptions,
  type Wait,
} from "./routine/durable";
export {
  type ArchiveRetention,
  type DropletHost,
  type DropletHosts,
  type DuplicityResult,
  type DuplicityVerifyJob,
  type HookOutcome,
  type HostPreview,
  type HostRun,
  type Inventory,
  isRetryable,
  type JobKind,
  type JobStart,
  type JobStatus,
  noHostReason,
  type StoredArchive,
} from "./routine/host";
export { offMarkerTag, parseOffMarker } from "./routine/off-marker";
export { PING_BODY_MAX_BYTES, pingBody } from "./routine/ping";
export { elapsedBefore } from "./routine/poll";
export {
  etaSecondsOf,
  JOB_POLL_MAX_SECONDS,
  JOB_POLL_MIN_SECONDS,
  jobPollCapSeconds,
  nextJobPollSeconds,
} from "./routine/poll-plan";
export { isPowerOnStep } from "./routine/power";
export { type RunResult, runPlan } from "./routine/run-plan";
export { listRunSnapshots } from "./routine/run-snapshots";
export {
  estimateSnapshot,
  expectedSnapshotSeconds,
  firstSnapshotCheck,
  snapshotPollDelay,
} from "./routine/timing";
export { RUN_OUTCOMES, type RunOutcome, runOutcomeOf } from "./run-outcome";
export { parseRunRecord, type RunRecord, runRecordOf } from "./run-record";
export { nextRuns, parseSchedule, type Schedule } from "./schedule";
export { parseSnapshotName, snapshotName } from "./snapshot-name";
export * from "./verify/index";
export { type WatchdogReport, watchdogRound } from "./watchdog";
