/**
 * The logger of every function, built once per Lambda instance: Powertools Logger, one JSON
 * line per entry, with `runId`, `plan`, `droplet`, `phase` where known, secrets removed by
 * ./redaction.ts. Functions load their secrets through `loadLoggedSecrets`, so every secret
 * value is known to the redaction before anything can log it. Metrics: ./metrics.ts; the
 * DigitalOcean client's log: ./digitalocean-log.ts (apart, so the Slack function's cold start
 * loads neither).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { loadSecrets } from "@lifeboat/aws";
import type { LifeboatEvent } from "@lifeboat/core";
import type { Logger as BoltLogger, LogLevel } from "@slack/logger";
import { config } from "./config";
import { Redactor, secretsKnownAtLoad } from "./redaction";

export const redactor = new Redactor(
  secretsKnownAtLoad(
    process.env,
    config.plans.map((plan) => plan.notify.ping),
  ),
);

/** The function's logger; `service` is "lifeboat" for all, the log group names the function. */
export const logger = new Logger({ serviceName: "lifeboat", jsonReplacerFn: redactor.jsonReplacer });

/** The keys that say what a log line is about; each function sets those it knows. */
export interface RunKeys {
  runId?: string;
  plan?: string;
  droplet?: string;
  phase?: string;
}

/** Sets the run keys for this invocation (and drops those of the one before). */
export function useRunKeys(keys: RunKeys): void {
  logger.resetKeys();
  const known = Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined));
  logger.appendKeys(known);
}

/** The run keys of an event: the report function logs each delivery with them. */
export function runKeysOf(event: LifeboatEvent): RunKeys {
  return {
    runId: event.runId,
    plan: event.plan,
    ...(event.droplet !== "*" ? { droplet: event.droplet } : {}),
    ...(event.type === "run.failed" ? { phase: event.phase } : {}),
  };
}

/** `loadSecrets`, with every value registered for redaction first. */
export async function loadLoggedSecrets<const N extends string>(names: readonly N[]): Promise<Record<N, string>> {
  const secrets = await loadSecrets(names);
  for (const value of Object.values<string>(secrets)) redactor.add(value);
  return secrets;
}

/** Bolt's logger interface over the function's logger (the Slack app and the report), with the run keys set. */
export function boltLogger(name: string): BoltLogger {
  let level = "info" as LogLevel;
  const text = (msg: unknown[]) =>
    msg.map((m) => (m instanceof Error ? m.message : typeof m === "string" ? m : JSON.stringify(m))).join(" ");
  // Through the function's own logger, not a child: a child would not see the keys set later.
  const from = { logger: name };
  return {
    debug: (...msg) => logger.debug(text(msg), from),
    info: (...msg) => logger.info(text(msg), from),
    warn: (...msg) => logger.warn(text(msg), from),
    error: (...msg) => logger.error(text(msg), from),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
