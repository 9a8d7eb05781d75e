export { addSampleFleet } from "./fleet";

export { type ExchangeRecord, type Sandbox, startSandbox } from "./server";
export type {
  ActionTimings,
  SandboxDroplet,
} from "./state";
