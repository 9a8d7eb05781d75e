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

export type { Compression } from "./compression";
export {
  type ConfiguredHostsOptions,
  configuredDropletHosts,
  dropletConnection,
} from "./configured-hosts";
export { type ConnectOptions, connect } from "./connect";
export { restartContainers } from "./containers";
export { drillShell, drillVolumeName } from "./drill-shell";
export type { DuplicityAccess } from "./droplet-host";
export type { DuplicityTarget, S3Credentials } from "./duplicity/command";
export { parseBackupStatistics, parseCollectionStatus } from "./duplicity/parse";
export {
  type BackupEncryption,
  DuplicityMissingError,
  type RestoreDecryption,
  restoreDuplicity,
  runDuplicity,
} from "./duplicity/run";
export { ConnectionLostError, HostKeyMismatchError, PermanentError, RemoteCommandError } from "./errors";
export { runHooks } from "./hooks";
export { captureImages } from "./images";
export { inventory } from "./inventory";
export {
  type DuplicityJobInput,
  duplicityJob,
  duplicityJobResult,
  duplicityJobSpec,
  duplicityResultFrom,
} from "./job/duplicity-job";
export {
  DuplicityVerifyRefused,
  duplicityVerifyJobSpec,
  parseDuplicityVerify,
} from "./job/duplicity-verify-job";
export { localSession } from "./local-transport";
export { absolutePath, containerName, imageRef, UnsafeNameError, volumeName } from "./names";
export { dockerSize } from "./preview";
export { loadImage, restoreVolume, VolumeNotEmptyError } from "./restore";
export { restoreImage, taggable } from "./restore-image";
export { selectNames } from "./select";
export type { Logger, RemoteSession } from "./session";
export { quote, type Shell, sh } from "./shell";
export { ChecksumMismatchError } from "./stage";
export { volumeTarCommand } from "./volume-tar";
export { archiveVolumes } from "./volumes";
