/**
 * What one look at a job on the droplet (./lifecycle.ts `readJob`) means for the routine
 * (core's `JobStatus`), and when its storage credentials are due for a refresh. Pure: the
 * times are the droplet's own, so the orchestrator's clock does not matter.
 */
import type { JobStatus } from "@lifeboat/core";
import type { JobLook } from "./lifecycle";

/** Below this much free space where the job's directory is, the runner cannot write its status (nor its log). */
export const DISK_FULL_KB = 64;

/** Fresh credentials are handed over when the job's expire within this many seconds. */
export const REFRESH_WITHIN_SECONDS = 20 * 60;

/** The last line of the runner's log, for a report ("" when it is silent). */
const lastLine = (log: string) =>
  log
    .trim()
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1)
    ?.slice(0, 500) ?? "";

/**
 * @example jobStatusOf(await readJob(session, "run-1-archive")) // { state: "running", bytesDone: 1048576, … }
 */
export function jobStatusOf(look: JobLook): JobStatus {
  const idle = { bytesDone: 0, idleSeconds: 0, elapsedSeconds: 0 };
  if (!look.exists) {
    return {
      state: "lost",
      ...idle,
      error: "the job's directory is gone from the droplet (was the droplet rebooted or its home directory cleared?)",
    };
  }
  const status = look.status;
  if (!status) {
    if (look.alive) return { state: "running", ...idle };
    const log = lastLine(look.logTail);
    return { state: "lost", ...idle, error: `the job ended before it wrote any status${log ? `: ${log}` : ""}` };
  }
  const figures = {
    bytesDone: status.bytesDone,
    ...(status.item ? { item: status.item } : {}),
    ...(typeof status.rate === "number" ? { rate: status.rate } : {}),
    idleSeconds: Math.max(0, Math.round(look.now - status.progressAt)),
    elapsedSeconds: Math.max(0, Math.round(look.now - status.startedAt)),
  };
  // A full disk freezes status.json: without this, it reads as a stall, or as killed once the runner ends.
  if (status.state === "running" && look.freeKb !== undefined && look.freeKb < DISK_FULL_KB) {
    return {
      state: "failed",
      ...figures,
      error: `the droplet's disk holding the job's directory is full (${look.freeKb} KiB free): the job cannot record its progress${look.alive ? "" : ", and its process is gone"}`,
    };
  }
  if (status.state === "running" && !look.alive) {
    const log = lastLine(look.logTail);
    return {
      state: "lost",
      ...figures,
      error: `the job's process is gone without finishing (killed, or the droplet rebooted)${log ? `; its log ends: ${log}` : ""}`,
    };
  }
  if (status.state === "failed") {
    return { state: "failed", ...figures, error: status.error ?? (lastLine(look.logTail) || "the job failed") };
  }
  return { state: status.state, ...figures };
}

/** True when a running job's credentials expire within REFRESH_WITHIN_SECONDS of the droplet's now. */
export function credentialsDue(look: JobLook): boolean {
  const expires = look.status?.credentialsExpireAt;
  return (
    look.exists &&
    look.alive &&
    look.status?.state === "running" &&
    expires !== undefined &&
    expires - look.now < REFRESH_WITHIN_SECONDS
  );
}
