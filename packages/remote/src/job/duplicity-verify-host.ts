/**
 * The droplet host's `duplicityVerify` (core's `DuplicityVerifyJob`): the verify job of
 * ./duplicity-verify-job.ts started, polled, finished and stopped, each in a session of its own.
 */
import type { DuplicityVerifyJob, JobStatus, Plan } from "@lifeboat/core";
import type { DuplicityAccess } from "../droplet-host";
import type { Logger, RemoteSession } from "../session";
import { pollDropletJob, stopDropletJob } from "./droplet-jobs";
import { jobCredentials } from "./duplicity-job";
import { duplicityVerifyJobId, duplicityVerifyResult, logEnd, startDuplicityVerify } from "./duplicity-verify-job";
import { readJob, removeJob } from "./lifecycle";

export interface DuplicityVerifyHostOptions {
  droplet: string;
  runId: string;
  plan: Plan;
  path: string;
  withSession: <T>(purpose: "work", fn: (s: RemoteSession) => Promise<T>) => Promise<T>;
  /** The backup's duplicity access (target, credentials, passphrase); asked when the job starts and when credentials are due. */
  access?: () => Promise<DuplicityAccess>;
  root?: string;
  log?: Logger;
}

/** @example await host.duplicityVerify("/srv/app").start() */
export function duplicityVerifyJob(o: DuplicityVerifyHostOptions): DuplicityVerifyJob {
  const jobId = duplicityVerifyJobId(o.runId);
  const root = o.root !== undefined ? { root: o.root } : {};
  const log = o.log ? { log: o.log } : {};
  const access = () => {
    if (!o.access) {
      throw new Error(`plan "${o.plan.name}" has duplicity, but no duplicity target was given for ${o.droplet}`);
    }
    return o.access();
  };
  return {
    start: async () => {
      const given = await access();
      return o.withSession("work", async (session) => {
        const { started, removed } = await startDuplicityVerify(session, {
          runId: o.runId,
          path: o.path,
          exclude: o.plan.duplicity?.exclude ?? [],
          access: given,
          ...root,
        });
        return { started, debris: removed.map((id) => `removed the finished verify job ${id}`) };
      });
    },
    poll: () =>
      o.withSession("work", async (session): Promise<JobStatus> => {
        const fresh = async () => jobCredentials((await access()).credentials);
        const status = await pollDropletJob(session, jobId, { ...root, fresh, ...log });
        if (status.state !== "failed" && status.state !== "lost") return status;
        // The runner says only "verify failed (exit code 23)"; duplicity's own words are in the log.
        const end = logEnd((await readJob(session, jobId, o.root)).logTail);
        const said = (status.error ?? "it failed").replace(/; see the job's log$/, "");
        return end ? { ...status, error: `${said}; its log ends: ${end}` } : status;
      }),
    finish: () =>
      o.withSession("work", async (session) => {
        const result = await duplicityVerifyResult(session, jobId, o.path, o.root);
        await removeJob(session, jobId, o.root);
        return result;
      }),
    stop: async (reason) => {
      o.log?.(`${o.droplet}: stopping the duplicity verify job: ${reason}`);
      const done = await o.withSession("work", (session) => stopDropletJob(session, jobId, { ...root, ...log }));
      return { done };
    },
  };
}
