/**
 * The droplet-push path of bench/stream.ts: a volume's tar uploaded from the droplet straight
 * to S3 by the job runner (packages/remote/src/job/runner-py.ts), measured two ways against
 * the harness's S3 server (s3rver, in a process of its own: ./s3-server.ts):
 *   - raw: `<the volume's tar command> | python3 runner.py upload DIR KEY` run directly, the
 *     runner's uploader with none of the job's machinery, at the job's own priority
 *     (`nice -n 10 ionice -c3`, as lifecycle.ts starts a job), so the two differ only by the job;
 *   - job: the same command as a real archive job, started with startJob over SSH and polled
 *     with readJob at the waits the routine plans (core's nextJobPollSeconds, the plan's default
 *     limits, the volume's size as the expected bytes) until it ends; the CPU the orchestrator
 *     (this process) spent in its steps (start, polls, finish; not in the waits between, which
 *     cost a durable function nothing), and the runner's own peak RSS.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DeleteObjectCommand, HeadBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { nextJobPollSeconds, validateConfig } from "@lifeboat/core";
import { type RemoteSession, sh, volumeTarCommand } from "@lifeboat/remote";
import { readJob, removeJob, startJob } from "../../packages/remote/src/job/lifecycle";
import { RUNNER_PY } from "../../packages/remote/src/job/runner-py";
import type { JobCredentials, JobSpec, JobStatusFile, JobStorage } from "../../packages/remote/src/job/spec";
import { startS3Process } from "./s3-server-process";

/** The default `plans[].jobs` limits, as the config gives them. */
const JOBS = validateConfig({
  plans: [
    {
      name: "bench",
      schedule: "cron(0 3 * * ? *)",
      droplets: [{ name: "bench" }],
      snapshot: { approval: { required: false } },
    },
  ],
}).plans[0]!.jobs;

export interface PushRun {
  bytes: number;
  seconds: number;
}

export interface JobRun extends PushRun {
  /** user+sys CPU of this process from just before startJob to after the finish. */
  orchestratorCpuSeconds: number;
  polls: number;
  peakRssMb: number;
}

export interface Push {
  raw(volume: string): Promise<PushRun>;
  job(volume: string, expectedBytes?: number): Promise<JobRun>;
  stop(): Promise<void>;
}

/** Starts the S3 server (its files under dir) and returns the two measurements over it. */
export async function startPush(options: {
  dir: string;
  session: RemoteSession;
  image: string;
  /** Environment the raw pipeline needs to reach the harness's docker (DOCKER_HOST). */
  env: NodeJS.ProcessEnv;
}): Promise<Push> {
  const { dir, session, image } = options;
  const { service, stop: stopServer } = await startS3Process(join(dir, "s3"));

  const storage: JobStorage = {
    bucket: service.bucket,
    region: service.region,
    endpoint: service.endpoint,
    forcePathStyle: true,
  };
  const credentials: JobCredentials = { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey };
  const s3 = new S3Client({
    endpoint: service.endpoint,
    region: service.region,
    forcePathStyle: true,
    credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
  });
  // The SDK loads parts of itself on first use: not the orchestrator's cost per GB.
  await s3.send(new HeadBucketCommand({ Bucket: service.bucket }));

  // The raw pipeline's directory: what the runner's upload mode reads (storage, credentials).
  const rawDir = join(dir, "raw");
  await mkdir(rawDir, { mode: 0o700 });
  await writeFile(join(rawDir, "runner.py"), RUNNER_PY);
  await writeFile(join(rawDir, "spec.json"), JSON.stringify({ storage }));
  await writeFile(join(rawDir, "credentials.json"), JSON.stringify(credentials), { mode: 0o600 });
  // The python3 the job runner finds first when it has boto3 (lifecycle.ts).
  const python = spawnSync("/usr/bin/python3", ["-c", "import boto3"]).status === 0 ? "/usr/bin/python3" : "python3";
  const jobs = join(dir, "jobs");
  let n = 0;

  const objectSize = async (key: string) =>
    (await s3.send(new HeadObjectCommand({ Bucket: service.bucket, Key: key }))).ContentLength ?? -1;
  const remove = (key: string) => s3.send(new DeleteObjectCommand({ Bucket: service.bucket, Key: key }));

  return {
    async raw(volume) {
      const key = `bench/raw-${++n}.tar`;
      const upload = sh`${python} ${join(rawDir, "runner.py")} upload ${rawDir} ${key}`;
      const pipeline = `set -o pipefail\n${volumeTarCommand(volume, image).text} | ${upload.text}`;
      const t0 = process.hrtime.bigint();
      const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        // The whole pipeline at the job's priority, as the runner's own commands run.
        const p = spawn("nice", ["-n", "10", "ionice", "-c3", "bash", "-c", pipeline], {
          env: options.env,
          stdio: ["ignore", "pipe", "inherit"],
        });
        let stdout = "";
        p.stdout.on("data", (c) => {
          stdout += c;
        });
        p.on("close", (code) => resolve({ code, stdout }));
      });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (result.code !== 0) throw new Error(`the raw push pipeline exited ${result.code}`);
      const { bytes } = JSON.parse(result.stdout.trim()) as { bytes: number };
      if ((await objectSize(key)) !== bytes) throw new Error(`${key} is not ${bytes} bytes in the bucket`);
      await remove(key);
      process.stderr.write(`push raw ${volume}: ${(bytes / 1048576 / seconds).toFixed(1)} MB/s\n`);
      return { bytes, seconds };
    },

    async job(volume, expectedBytes) {
      const runId = `bench-push-${process.pid}-${++n}`;
      const key = `bench/${runId}.tar`;
      const spec: JobSpec = {
        version: 1,
        jobId: `${runId}-archive`,
        kind: "archive",
        runId,
        storage,
        steps: [{ type: "upload", name: `volume ${volume}`, command: volumeTarCommand(volume, image).text, key }],
      };
      // The orchestrator's CPU is counted in its steps only (start, each poll, the finish): between
      // them it is in a durable wait, and a function in a durable wait is not running at all.
      let cpuMicros = 0;
      const step = async <T>(fn: () => Promise<T>): Promise<T> => {
        const before = process.cpuUsage();
        try {
          return await fn();
        } finally {
          const used = process.cpuUsage(before);
          cpuMicros += used.user + used.system;
        }
      };
      const t0 = Date.now() / 1000;
      await step(() => startJob(session, { spec, credentials, root: jobs }));
      let status: JobStatusFile | undefined;
      let polls = 0;
      let seen: { bytesDone: number; rate?: number; elapsedSeconds: number } | undefined;
      for (;;) {
        const wait = nextJobPollSeconds(seen, expectedBytes, JOBS);
        await new Promise((r) => setTimeout(r, wait * 1000));
        const look = await step(() => readJob(session, spec.jobId, jobs));
        polls++;
        status = look.status;
        if (status && status.state !== "running") break;
        if (status) {
          seen = {
            bytesDone: status.bytesDone,
            ...(status.rate !== undefined ? { rate: status.rate } : {}),
            elapsedSeconds: look.now - status.startedAt,
          };
        }
        if (!look.alive) throw new Error(`job ${spec.jobId} is lost: ${look.logTail}`);
      }
      if (status.state !== "succeeded") throw new Error(`job ${spec.jobId} failed: ${status.error}`);
      // The finish, as the orchestrator does it: the object's size in the bucket, then the job's directory removed.
      const result = status.results[0]!;
      const stored = await step(async () => {
        const size = await objectSize(key);
        await removeJob(session, spec.jobId, jobs);
        return size;
      });
      if (stored !== result.bytes)
        throw new Error(`${key} is ${stored} bytes in the bucket, the job sent ${result.bytes}`);
      if (status.peakRssKb === undefined) throw new Error("the runner recorded no peakRssKb");
      await remove(key);
      const seconds = status.updatedAt - t0;
      process.stderr.write(
        `push job ${volume}: ${(result.bytes / 1048576 / seconds).toFixed(1)} MB/s, ${polls} polls, orchestrator CPU ${(cpuMicros / 1e6).toFixed(3)} s, runner peak RSS ${(status.peakRssKb / 1024).toFixed(1)} MB\n`,
      );
      return {
        bytes: result.bytes,
        // The runner's last write of status.json is the job's end (same clock: same machine).
        seconds,
        orchestratorCpuSeconds: cpuMicros / 1e6,
        polls,
        peakRssMb: status.peakRssKb / 1024,
      };
    },

    async stop() {
      s3.destroy();
      await stopServer();
    },
  };
}
