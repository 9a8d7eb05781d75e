/**
 * Storage built from the config once, for the CLI and the deployed functions alike: the sink
 * the config names, and the per-run storage the droplet host takes for each droplet and run.
 */
import { resolve } from "node:path";
import type { HostRun, StorageConfig } from "@lifeboat/core";
import { LocalSink } from "./local-sink";
import { type RunStorageOf, runStorage } from "./run-storage";
import { S3Sink } from "./s3-sink";
import type { Sink } from "./sink";

export type S3StorageConfig = Extract<StorageConfig, { type: "s3" }>;

/** The S3 or Spaces bucket an `{ type: "s3" }` storage config names. */
export function s3SinkFor(storage: S3StorageConfig): S3Sink {
  return new S3Sink({
    bucket: storage.bucket,
    region: storage.region,
    prefix: storage.prefix,
    ...(storage.endpoint ? { endpoint: storage.endpoint } : {}),
  });
}

/**
 * The archive store a config names (local directories resolve against the working directory).
 * @example const sink = sinkFor(config.storage);
 */
export function sinkFor(storage: StorageConfig): Sink {
  return storage.type === "local" ? new LocalSink(resolve(storage.directory)) : s3SinkFor(storage);
}

/**
 * One droplet's storage for one run, in `sink`, kept by the run's plan's retention.
 * @example configuredDropletHosts(config, { storage: runStorageFor(sink), … })
 */
export function runStorageFor(sink: Sink): (droplet: string, run: HostRun) => RunStorageOf {
  return (droplet, run) =>
    runStorage(sink, { droplet, runId: run.runId, plan: run.plan.name, policy: run.plan.retention });
}
