/**
 * @lifeboat/storage — where archives and manifests are kept (S3/Spaces or a local directory),
 * the manifest format, the catalog of runs, and archive retention. Format: ../FORMAT.md.
 */

export { archiveCatalog } from "./archive-catalog";
export { type Catalog, type CatalogRun, listRuns } from "./catalog";
export { runStorageFor, s3SinkFor, sinkFor } from "./from-config";
export { HashingStream } from "./hashing";
export {
  archiveKey,
  BadKeyError,
  checkKey,
  dropletPrefix,
  duplicityPrefix,
  duplicityRoot,
  MANIFEST_FILE,
  manifestKey,
  runPrefix,
} from "./layout";
export { LocalSink } from "./local-sink";
export {
  type ContainerEntry,
  IncompleteRunError,
  MANIFEST_FORMAT,
  type Manifest,
  type ManifestInput,
  manifestSchema,
  readManifest,
  type VolumeEntry,
  writeManifest,
} from "./manifest";
export { type ArchiveRetentionResult, applyArchiveRetention } from "./retention";
export { normaliseKey, type RefusedDeletion } from "./run-scope";
export { type RunStorageOf, runStorage } from "./run-storage";
export { type RunWriter, runWriter } from "./run-writer";
export { S3Sink, type S3SinkOptions } from "./s3-sink";
export type { ListedObject, Sink, StoredObject } from "./sink";
