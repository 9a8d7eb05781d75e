/** `verify` (#15 §1): the verdicts on what is stored, pure; the ports do the reading. */
export { type DuplicityFile, duplicityChainVerdict } from "./duplicity-chain";
export {
  DIFFERENCES_SHOWN,
  type DuplicityDifference,
  type DuplicityVerifyResult,
  duplicityVerifyFinding,
} from "./duplicity-verify";
export { scheduleIntervalSeconds } from "./interval";
export {
  type VerifyFinding,
  verifyReport,
  verifyReportLines,
} from "./report";
export { runVerify, type VerifyRunResult, verifyPlanOf } from "./run-verify";
export {
  classifyRuns,
  dataProblem,
  objectProblem,
  type ReadBack,
  type RunDirectory,
} from "./runs";
export { pickArchives } from "./sample";
export { snapshotVerdict } from "./snapshots";
export { UnknownVerifyTarget, verifyTargets } from "./targets";
export {
  type ArchiveToRead,
  type StoreListing,
  type StoreVerifier,
  storeFindings,
  verifyAll,
} from "./verify-droplet";
