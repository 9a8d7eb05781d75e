/**
 * @lifeboat/aws — lifeboat's calls to AWS, one file per job: start a backup run, answer an
 * approval callback, defer Slack work to a second invocation (Lambda); pause and resume a
 * plan's schedule (EventBridge Scheduler); publish events (EventBridge); narrow credentials
 * to one droplet (STS); read SST secrets (SSM). The Slack app and core define the ports these
 * implement; functions/ wires them in.
 */

export { approvalResponder } from "./approval-responder";
export { deferredInvoker } from "./deferred-invoker";
export { drillId, drillStarter, isDrillId } from "./drill-starter";
export {
  archiveSessionPolicy,
  assumeArchiveRole,
  assumeDropletRole,
  DROPLET_CREDENTIALS_SECONDS,
  sessionPolicy,
} from "./droplet-credentials";
export { durableRuns } from "./durable-runs";
export { EventBridgeSink } from "./eventbridge-sink";
export { runStarter } from "./run-starter";
export { scheduleSwitch } from "./schedule-switch";
export { type ScheduleDefinition, schedulerApi } from "./scheduler-api";
export { loadSecrets } from "./sst-secrets";
export { isVerifyId, verifyId, verifyStarter } from "./verify-starter";
