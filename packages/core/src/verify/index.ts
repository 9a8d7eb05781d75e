/** `verify` (#15 §1): the verdicts on what is stored, pure; the ports do the reading. */
export { type DuplicityFile, duplicityChainVerdict, duplicityTimeMs } from "./duplicity-chain";
export { scheduleIntervalSeconds } from "./interval";
export {
  type VerifyCheck,
  type VerifyFinding,
  type VerifyReport,
  verifyReport,
  verifyReportLines,
} from "./report";
export {
  classifyRuns,
  DEBRIS_AFTER_SECONDS,
  dataProblem,
  objectProblem,
  type ReadBack,
  type RunDirectory,
} from "./runs";
export { pickArchives, seedFrom } from "./sample";
export { snapshotVerdict } from "./snapshots";
export { UnknownVerifyTarget, type VerifyTarget, verifyTargets } from "./targets";
export { type StoreVerifier, type VerifyDeps, type VerifyOptions, verifyAll, verifyDroplet } from "./verify-droplet";
