/**
 * The CloudWatch metrics each lifeboat event stands for (namespace "lifeboat"), as plain data:
 * the report function, which receives every event, emits them (embedded metric format). Pure,
 * so what is measured is tested here, not in CloudWatch.
 *
 * Dimensions: every metric has `plan`; a droplet's figures also have `plan` + `droplet`
 * (both sets are emitted, so a plan's figures can be summed without naming its droplets). The
 * run id is never a dimension (one metric per run would be a metric nobody can alarm on).
 * A dry run measures nothing: it backed nothing up.
 */
import type { LifeboatEvent } from "./events";
import type { RunOutcome } from "./run-outcome";

export const METRIC_NAMESPACE = "lifeboat";

export type MetricUnit = "Seconds" | "Bytes" | "Count";

export interface MetricDatum {
  name: string;
  unit: MetricUnit;
  value: number;
}

/** Metrics that share their dimensions, as one embedded-metric-format record. */
export interface MetricRecord {
  plan: string;
  /** Absent: a plan-wide figure, dimension `plan` only. */
  droplet?: string;
  /** The event's time (ISO-8601 UTC): the metric's timestamp. */
  at: string;
  metrics: MetricDatum[];
}

/** The per-plan count of runs that ended with this outcome: RunSucceeded, RunFailed, … */
export const runOutcomeMetric = (outcome: RunOutcome): string =>
  `Run${outcome.charAt(0).toUpperCase()}${outcome.slice(1)}`;

/** A successful run of a plan: the metric the "no successful run" alarm counts. */
export const RUN_SUCCEEDED_METRIC = runOutcomeMetric("succeeded");
/** Runs that left droplets not backed up (failed or incomplete): the run-failure alarm counts both. */
export const RUN_FAILURE_METRICS = [runOutcomeMetric("failed"), runOutcomeMetric("incomplete")] as const;
/**
 * DigitalOcean requests made by backup-run, per plan. Not an event's figure: a durable run
 * spans many invocations, each with its own client, so each invocation adds its own count
 * (functions/backup-run.ts), and the sum over a run's invocations is the run's.
 */
export const API_CALLS_METRIC = "ApiCalls";
/** A droplet the watchdog powered on: the recovery alarm counts it. */
export const WATCHDOG_RECOVERED_METRIC = "WatchdogRecovered";

const count = (name: string): MetricDatum => ({ name, unit: "Count", value: 1 });

/**
 * @example metricsOfEvent({ type: "droplet.powered_on", downtimeSeconds: 95, … })
 * // → [{ plan, droplet, at, metrics: [{ name: "DowntimeSeconds", unit: "Seconds", value: 95 }] }]
 */
export function metricsOfEvent(event: LifeboatEvent): MetricRecord[] {
  const plan = { plan: event.plan, at: event.at };
  const droplet = { ...plan, droplet: event.droplet };
  switch (event.type) {
    case "droplet.powered_on":
      return [{ ...droplet, metrics: [{ name: "DowntimeSeconds", unit: "Seconds", value: event.downtimeSeconds }] }];
    case "snapshot.completed":
      return [{ ...droplet, metrics: [{ name: "SnapshotSeconds", unit: "Seconds", value: event.durationSeconds }] }];
    case "archive.stored": {
      const metrics: MetricDatum[] = [{ name: "ArchiveBytes", unit: "Bytes", value: event.bytes }];
      if (event.jobSeconds !== undefined)
        metrics.push({ name: "ArchiveSeconds", unit: "Seconds", value: event.jobSeconds });
      return [{ ...droplet, metrics }];
    }
    case "duplicity.completed":
      return [
        {
          ...droplet,
          metrics: [
            { name: "DuplicityBytes", unit: "Bytes", value: event.bytes },
            { name: "DuplicitySeconds", unit: "Seconds", value: event.durationSeconds },
          ],
        },
      ];
    case "run.finished":
      if (event.dryRun) return [];
      return [
        {
          ...plan,
          metrics: [
            count(runOutcomeMetric(event.outcome)),
            { name: "RunSeconds", unit: "Seconds", value: event.durationSeconds },
          ],
        },
      ];
    case "run.failed":
      // One per failed phase (or a run that could not start); the run's outcome is counted by run.finished.
      return [{ ...plan, metrics: [count("PhaseFailed")] }];
    case "watchdog.recovered":
      return [{ ...droplet, metrics: [count(WATCHDOG_RECOVERED_METRIC)] }];
    case "drill.passed":
    case "drill.failed": {
      const metrics = [count(event.type === "drill.passed" ? "DrillPassed" : "DrillFailed")];
      if (event.restoreSeconds !== undefined)
        metrics.push({ name: "DrillRestoreSeconds", unit: "Seconds", value: event.restoreSeconds });
      return [{ ...droplet, metrics }];
    }
    default:
      return [];
  }
}
