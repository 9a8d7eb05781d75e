/**
 * The functions' metrics: Powertools Metrics, CloudWatch embedded metric format, namespace
 * "lifeboat", one line per record of core's `metricsOfEvent` (or of a function's own figure).
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { METRIC_NAMESPACE, type MetricRecord } from "@lifeboat/core";

/** Metrics in the "lifeboat" namespace, with only the dimensions each record names (no `service`). */
export const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: "lifeboat" });
metrics.clearDefaultDimensions();

const UNITS = { Seconds: MetricUnit.Seconds, Bytes: MetricUnit.Bytes, Count: MetricUnit.Count } as const;

/**
 * Writes each record as embedded-metric-format lines: one by `plan`, and for a droplet's
 * figures one more by `plan` + `droplet`. Two lines rather than two dimension sets in one:
 * Powertools warns on every record whose sets share a key.
 */
export function emitMetrics(records: readonly MetricRecord[], to: Metrics = metrics): void {
  const publish = (record: MetricRecord, dimensions: Record<string, string>) => {
    to.setTimestamp(new Date(record.at));
    for (const [name, value] of Object.entries(dimensions)) to.addDimension(name, value);
    for (const m of record.metrics) to.addMetric(m.name, UNITS[m.unit], m.value);
    to.publishStoredMetrics();
  };
  for (const record of records) {
    publish(record, { plan: record.plan });
    if (record.droplet !== undefined) publish(record, { plan: record.plan, droplet: record.droplet });
  }
}
