export { type ClientStats, DigitalOceanClient, type DigitalOceanClientOptions } from "./client";
export { type Clock, systemClock } from "./clock";
export { DigitalOceanError, type DigitalOceanErrorFields, type DigitalOceanErrorKind } from "./errors";
export { type BudgetLimits, defaultBudgetLimits, RateBudget, sharedBudget } from "./rate-budget";
export { type ClientLogEvent, defaultRetryLimits, type RateLimitKind, type RetryLimits } from "./retry";
