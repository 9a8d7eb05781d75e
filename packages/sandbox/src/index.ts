export type { Fault, FaultRule } from "./faults";
export { addSampleFleet } from "./fleet";
export { type ExchangeRecord, type Sandbox, startSandbox } from "./server";
export { SANDBOX_SIZES, type SandboxSize } from "./sizes";
export type {
  ActionTimings,
  DropletCreation,
  SandboxAccount,
  SandboxDroplet,
  SandboxFirewall,
  SandboxFirewallRule,
} from "./state";
