export { DigitalOceanClient, type DigitalOceanClientOptions } from "./client";
export type { Clock } from "./clock";
export { DigitalOceanError } from "./errors";
export { clientLogLine } from "./log-line";
export { RateBudget } from "./rate-budget";
export type { ClientLogEvent } from "./retry";
