/**
 * @lifeboat/remote — everything lifeboat does on a droplet over SSH (or, with
 * `transport: "local"`, on this machine through `bash -c`). Each phase function takes a
 * session and returns plain JSON (the routine checkpoints it):
 *   connect / localSession → inventory → runHooks(pre) → captureImages / archiveVolumes
 *   → runDuplicity → runHooks(post) → restartContainers; restores: restoreVolume,
 *   restoreImage (load or import, then its original tag), restoreDuplicity.
 * Plugged into the routine: `configuredDropletHosts(config, …)` gives the `DropletHosts` for
 * `runPlan`, one `sshDropletHost` per droplet and run (./droplet-host.ts).
 */

export { type Compression, detectCompression } from "./compression";
export {
  type ConfiguredHostsOptions,
  type ConnectionOptions,
  configuredDropletHosts,
  dropletConnection,
} from "./configured-hosts";
export { type ConnectOptions, connect, hostKeyFingerprint } from "./connect";
export { type RestartOptions, type RestartReport, restartContainers } from "./containers";
export {
  type DropletHostOptions,
  type DuplicityAccess,
  type OpenSession,
  sshDropletHost,
} from "./droplet-host";
export type { DuplicityCache, DuplicityTarget, S3Credentials } from "./duplicity/command";
export { type CollectionStatus, parseBackupStatistics, parseCollectionStatus } from "./duplicity/parse";
export {
  type BackupEncryption,
  checkDuplicity,
  DUPLICITY_INSTALL,
  type DuplicityBackupOptions,
  DuplicityMissingError,
  type DuplicityReport,
  type DuplicityRestoreOptions,
  duplicityStatus,
  type RestoreDecryption,
  restoreDuplicity,
  runDuplicity,
} from "./duplicity/run";
export { ConnectionLostError, HostKeyMismatchError, PermanentError, RemoteCommandError } from "./errors";
export { type Hook, type HookResult, runHooks } from "./hooks";
export { type CaptureImagesOptions, captureImages, type Failure, type ImageArchive, type ImageCapture } from "./images";
export { type ContainerInfo, type Inventory, inventory, type Mount, type VolumeInfo } from "./inventory";
export { LOCAL_ENV_PASSED, type LocalSessionOptions, localSession } from "./local-transport";
export { absolutePath, containerName, imageRef, UnsafeNameError, volumeName } from "./names";
export type { ArchiveWriter, RunManifest, RunStorage, StoredObject } from "./ports";
export { dockerSize, previewArchives } from "./preview";
export { loadImage, type RestoreVolumeOptions, restoreVolume, VolumeNotEmptyError } from "./restore";
export { type RestoredImage, type RestoreImageOptions, restoreImage, taggable } from "./restore-image";
export { selectNames } from "./select";
export { type ExitStatus, type Logger, type RemoteSession, type RunResult, TransportSession } from "./session";
export { quote, type Shell, sh } from "./shell";
export { ChecksumMismatchError } from "./stage";
export type { Execution, Transport } from "./transport";
export { volumeTarCommand } from "./volume-tar";
export {
  type ArchiveVolumesOptions,
  archiveVolumes,
  type VolumeArchive,
  type VolumeArchiving,
} from "./volumes";
