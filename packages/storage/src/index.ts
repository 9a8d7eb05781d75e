/**
 * @lifeboat/storage — where archives and manifests are kept (S3/Spaces or a local directory),
 * the manifest format, the catalog of runs, archive retention, and run records. Format: ../FORMAT.md.
 */

export { archiveCatalog } from "./archive-catalog";
export { listRuns } from "./catalog";
export { drillBackups } from "./drill-backups";
export { runStorageFor, type S3StorageConfig, s3SinkFor, sinkFor } from "./from-config";

export {
  BadKeyError,
  checkKey,
  duplicityPrefix,
  duplicityRoot,
  manifestKey,
  runPrefix,
  runsRoot,
} from "./layout";
export { LocalSink } from "./local-sink";
export {
  IncompleteRunError,
  readManifest,
  writeManifest,
} from "./manifest";
export { applyArchiveRetention } from "./retention";
export { runHistory, type StoredRunHistory } from "./run-history";

export { runStorage } from "./run-storage";
export { runWriter } from "./run-writer";
export { S3Sink } from "./s3-sink";
export type { Sink } from "./sink";
export { storeVerifier } from "./verify/store-verifier";
