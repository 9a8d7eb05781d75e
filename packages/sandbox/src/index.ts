export { RealTimeClock, type SandboxClock, VirtualClock } from "./clock";
export type { Fault, FaultRule } from "./faults";
export { addSampleFleet, type SampleFleet } from "./fleet";
export { doRateLimits, type RateLimits } from "./rate-limit";
export { type ExchangeRecord, type Sandbox, type SandboxOptions, startSandbox } from "./server";
export {
  type ActionTimings,
  defaultTimings,
  type NewDroplet,
  type SandboxAction,
  type SandboxDroplet,
  type SandboxSnapshot,
  SandboxState,
} from "./state";
