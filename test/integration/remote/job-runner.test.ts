import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { type RemoteSession, sh } from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  JobGoneError,
  type JobLook,
  JobRunnerMissingError,
  JobSpecError,
  killJob,
  listJobs,
  readJob,
  readOutput,
  refreshCredentials,
  removeJob,
  startJob,
} from "../../../packages/remote/src/job/lifecycle";
import type { JobCredentials, JobSpec, JobStep } from "../../../packages/remote/src/job/spec";
import { harness, harnessDocker, missingServices, runVolumeContainer } from "../../harness/context";
import { startTcpProxy } from "../../harness/tcp-proxy";
import { openSession, remote, unique } from "./session";

const skip = missingServices("ssh", "s3", "docker");
const CANARY = `/tmp/lifeboat-job-canary-${process.pid}`;
const HOSTILE = [
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `x; touch ${CANARY}`,
  `x | touch ${CANARY}`,
  `x' ; touch ${CANARY}; echo '`,
  `x" ; touch ${CANARY}; echo "`,
  `x && touch ${CANARY}`,
  `--volumes-from=$(touch ${CANARY})`,
  `données-$(touch ${CANARY})`,
  `$IFS$(touch\t${CANARY})`,
];

describe.skipIf(skip).concurrent(`remote: jobs on the droplet${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  // s3rver checks no secret key, so the secret can be a sentinel searched for everywhere.
  const secretAccessKey = `secret-${randomBytes(12).toString("hex")}`;
  const passphrase = `passphrase-${randomBytes(12).toString("hex")}`;
  const credentials: JobCredentials = { accessKeyId: h.s3?.accessKeyId ?? "", secretAccessKey };
  const storage = {
    bucket: h.s3?.bucket ?? "",
    region: h.s3?.region ?? "",
    endpoint: h.s3?.endpoint,
    forcePathStyle: true,
  };
  const prefix = unique("jobs");
  // The tests run concurrently (they mostly wait on jobs), each group test with its own container.
  const containers = { group: unique("job-group"), kill: unique("job-kill") };
  let session: RemoteSession;
  let root: string;
  let s3: S3Client;

  const spec = (name: string, steps: JobStep[], extra: Partial<JobSpec> = {}): JobSpec => ({
    version: 1,
    jobId: `${prefix}-${name}`,
    kind: "archive",
    runId: prefix,
    storage,
    steps,
    ...extra,
  });
  const key = (name: string) => `${prefix}/${name}`;

  async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async function finished(jobId: string): Promise<JobLook> {
    let look: JobLook | undefined;
    await until(`job ${jobId} to end`, async () => {
      look = await readJob(session, jobId, root);
      return look.status?.state !== undefined && look.status.state !== "running";
    });
    return look!;
  }

  async function objects(under: string): Promise<string[]> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: under }));
    return (listed.Contents ?? []).map((o) => o.Key ?? "");
  }

  async function uploads(under: string): Promise<string[]> {
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: storage.bucket, Prefix: under }));
    return (listed.Uploads ?? []).map((u) => u.Key ?? "");
  }

  async function body(k: string): Promise<Buffer> {
    const got = await s3.send(new GetObjectCommand({ Bucket: storage.bucket, Key: k }));
    return Buffer.from(await got.Body!.transformToByteArray());
  }

  const running = (name: string) => harnessDocker("inspect", "-f", "{{.State.Running}}", name);

  beforeAll(async () => {
    session = await openSession();
    root = await mkdtemp(join(tmpdir(), "lifeboat-jobs-"));
    s3 = new S3Client({
      endpoint: storage.endpoint,
      region: storage.region,
      forcePathStyle: true,
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey },
    });
    for (const name of Object.values(containers)) {
      runVolumeContainer({ name, volume: unique("job-vol"), image: h.docker!.baseImage, script: "sleep 3600" });
    }
    await rm(CANARY, { force: true });
  });

  afterAll(async () => {
    for (const name of Object.values(containers)) harnessDocker("rm", "-f", "-v", name);
    for (const job of await listJobs(session, root)) await killJob(session, job.jobId, root, { graceSeconds: 5 });
    session.close();
    s3.destroy();
    await rm(root, { recursive: true, force: true });
    await rm(CANARY, { force: true });
  });

  it("uploads a command's output with its sha256 and size, facts exported, finally run; small and multipart", async () => {
    const data = randomBytes(9 * 1024 * 1024 + 123);
    const file = join(root, "data.bin");
    await writeFile(file, data);
    const marker = join(root, "finally-ran");
    const job = spec("upload", [
      { type: "upload", name: "volume big", command: sh`cat ${file}`.text, key: key("big.bin") },
      {
        type: "upload",
        name: "image small",
        command: 'printf "%s" "$LIFEBOAT_FACT_id"',
        key: key("small.txt"),
        facts: { id: "echo '  sha256:abc  '" },
        finally: [sh`printf %s "$LIFEBOAT_FACT_id" > ${marker}`.text],
      },
    ]);
    expect(await startJob(session, { spec: job, credentials, root })).toEqual({ started: true });
    const look = await finished(job.jobId);
    expect(look.status?.error).toBeUndefined();
    expect(look.status?.state).toBe("succeeded");
    expect(look.exists).toBe(true);
    expect(Math.abs(look.now - Date.now() / 1000)).toBeLessThan(5);
    const sha256 = createHash("sha256").update(data).digest("hex");
    expect(look.status?.results).toEqual([
      { name: "volume big", key: key("big.bin"), bytes: data.length, sha256, facts: {} },
      {
        name: "image small",
        key: key("small.txt"),
        bytes: 10,
        sha256: createHash("sha256").update("sha256:abc").digest("hex"),
        facts: { id: "sha256:abc" },
      },
    ]);
    expect(look.status?.bytesDone).toBe(data.length + 10);
    // Only JobStatusFile's fields, optional ones absent rather than null.
    const fields = ["jobId", "kind", "state", "pid", "startedAt", "updatedAt", "progressAt", "bytesDone", "stopped"];
    const optional = ["item", "rate", "credentialsExpireAt", "error", "results", "runs", "peakRssKb"];
    for (const [name, value] of Object.entries(look.status!)) {
      expect([...fields, ...optional]).toContain(name);
      expect(value).not.toBeNull();
    }
    for (const name of fields) expect(look.status).toHaveProperty(name);
    // The runner's own peak with the final state (bench/stream's memory figure): at least its 8 MB part buffer.
    expect(look.status?.peakRssKb).toBeGreaterThan(8 * 1024);
    const head = await s3.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key("big.bin") }));
    expect(head.ContentLength).toBe(data.length);
    expect(
      createHash("sha256")
        .update(await body(key("big.bin")))
        .digest("hex"),
    ).toBe(sha256);
    expect((await body(key("small.txt"))).toString()).toBe("sha256:abc");
    expect(await remote(session, sh`cat ${marker}`)).toBe("sha256:abc");
    expect(await uploads(key("big"))).toEqual([]);
    // The push path on its own (what the bench compares with a raw pipeline): stdin to a key.
    const dir = join(root, job.jobId);
    const pushed = await remote(
      session,
      sh`/usr/bin/python3 ${dir}/runner.py upload ${dir} ${key("pushed.bin")} < ${file}`,
    );
    expect(JSON.parse(pushed)).toEqual({ key: key("pushed.bin"), bytes: data.length, sha256 });
    expect(
      createHash("sha256")
        .update(await body(key("pushed.bin")))
        .digest("hex"),
    ).toBe(sha256);
    await removeJob(session, job.jobId, root);
    expect((await readJob(session, job.jobId, root)).exists).toBe(false);
  });

  it("a command that fails mid-stream (inside a pipe: pipefail) leaves no object and no upload", async () => {
    const job = spec("broken", [
      { type: "upload", name: "broken", command: "(head -c 9000000 /dev/zero; exit 3) | cat", key: key("broken.bin") },
    ]);
    await startJob(session, { spec: job, credentials, root });
    const look = await finished(job.jobId);
    expect(look.status?.state).toBe("failed");
    expect(look.status?.error).toBe("the command of broken failed (exit code 3); see the job's log");
    expect(look.logTail).toContain("aborted the unfinished upload");
    expect(await uploads(key("broken"))).toEqual([]);
    expect(await objects(key("broken"))).toEqual([]);
  });

  it("a part that fails is retried: the link to the bucket drops for 6 s and the upload still completes", async () => {
    let cutting: NodeJS.Timeout | undefined;
    // From the first answer (the creation of the multipart upload) on, every connection is cut for
    // 6 s: longer than the S3 client's own retries, so the runner's retry of the part is what saves it.
    const proxy = await startTcpProxy(Number(new URL(storage.endpoint!).port), (_total, p) => {
      if (cutting) return;
      cutting = setInterval(() => p.cut(), 20);
      setTimeout(() => clearInterval(cutting), 6000);
    });
    try {
      const data = randomBytes(17 * 1024 * 1024);
      const file = join(root, "retry.bin");
      await writeFile(file, data);
      const job = spec(
        "retry",
        [{ type: "upload", name: "retry", command: sh`cat ${file}`.text, key: key("retry.bin") }],
        {
          storage: { ...storage, endpoint: `http://127.0.0.1:${proxy.port}` },
        },
      );
      await startJob(session, { spec: job, credentials, root });
      const look = await finished(job.jobId);
      expect(look.status?.error).toBeUndefined();
      expect(look.logTail).toMatch(/part \d+ of \S+ failed \(attempt 1\)/);
      expect(look.status?.results[0]?.sha256).toBe(createHash("sha256").update(data).digest("hex"));
      expect(
        createHash("sha256")
          .update(await body(key("retry.bin")))
          .digest("hex"),
      ).toBe(createHash("sha256").update(data).digest("hex"));
      expect(await uploads(key("retry"))).toEqual([]);
    } finally {
      clearInterval(cutting);
      await proxy.close();
    }
  });

  it("a group stops its containers for its steps and starts them again", async () => {
    const job = spec("group", [
      {
        type: "group",
        containers: [containers.group],
        stop: sh`docker stop -t 1 ${containers.group}`.text,
        start: sh`docker start ${containers.group}`.text,
        steps: [
          {
            type: "upload",
            name: "state",
            command: sh`docker inspect -f '{{.State.Running}}' ${containers.group}`.text,
            key: key("state.txt"),
          },
        ],
      },
    ]);
    await startJob(session, { spec: job, credentials, root });
    const look = await finished(job.jobId);
    expect(look.status?.state).toBe("succeeded");
    expect((await body(key("state.txt"))).toString()).toBe("false\n");
    expect(look.status?.stopped).toEqual([]);
    expect(running(containers.group)).toBe("true");
  });

  it("two concurrent starts launch one runner: one started, one attached, one object", async () => {
    const job = spec("twice", [{ type: "upload", name: "once", command: "date +%s%N", key: key("once.txt") }]);
    const results = await Promise.all([
      startJob(session, { spec: job, credentials, root }),
      startJob(session, { spec: job, credentials, root }),
    ]);
    expect(results.map((r) => r.started).sort()).toEqual([false, true]);
    const look = await finished(job.jobId);
    expect(look.status?.results).toHaveLength(1);
    expect(look.logTail.match(/the job succeeded/g)).toHaveLength(1);
    expect(await startJob(session, { spec: job, credentials, root })).toEqual({ started: false });
    expect(await objects(key("once"))).toEqual([key("once.txt")]);
  });

  it("killJob mid-upload aborts the upload, starts the stopped container, and ends failed", async () => {
    const job = spec(
      "kill",
      [
        {
          type: "group",
          containers: [containers.kill],
          stop: sh`docker stop -t 1 ${containers.kill}`.text,
          start: sh`docker start ${containers.kill}`.text,
          steps: [{ type: "upload", name: "slow", command: "head -c 1000000000 /dev/zero", key: key("slow.bin") }],
        },
      ],
      { bandwidthLimit: 8 * 1024 * 1024 },
    );
    await startJob(session, { spec: job, credentials, root });
    // Past the first part: a multipart upload exists, so the abort is what removes it.
    await until("the first part", async () => (await uploads(key("slow"))).length > 0);
    const during = await readJob(session, job.jobId, root);
    expect(during.alive).toBe(true);
    expect(during.now - (during.status?.updatedAt ?? 0)).toBeLessThan(5); // the heartbeat
    expect(during.status?.stopped).toEqual([containers.kill]);
    // Below the droplet's own work: nice 10, idle I/O class.
    const pid = during.status?.pid ?? 0;
    expect(await remote(session, sh`ps -o ni= -p ${pid}`)).toMatch(/^\s*10\s*$/);
    expect(await remote(session, sh`ionice -p ${pid}`)).toMatch(/^idle/);
    expect(running(containers.kill)).toBe("false");
    await killJob(session, job.jobId, root);
    const look = await readJob(session, job.jobId, root);
    expect(look.alive).toBe(false);
    expect(look.status?.state).toBe("failed");
    expect(look.status?.error).toMatch(/stopped \(SIGTERM\)/);
    expect(look.status?.stopped).toEqual([]);
    expect(await uploads(key("slow"))).toEqual([]);
    expect(await objects(key("slow"))).toEqual([]);
    expect(running(containers.kill)).toBe("true");
  });

  it("a runner killed with SIGKILL is reported as not alive, without a final state", async () => {
    const job = spec(
      "sigkill",
      [{ type: "upload", name: "x", command: "head -c 100000000 /dev/zero", key: key("k.bin") }],
      {
        bandwidthLimit: 1024 * 1024,
      },
    );
    await startJob(session, { spec: job, credentials, root });
    await until("some bytes", async () => ((await readJob(session, job.jobId, root)).status?.bytesDone ?? 0) > 0);
    const before = await readJob(session, job.jobId, root);
    expect(before.alive).toBe(true);
    // The bandwidth limit holds: no more than 1 MiB per second so far (plus one read).
    const elapsed = before.now + 1 - (before.status?.startedAt ?? 0);
    expect(before.status?.bytesDone).toBeLessThanOrEqual((elapsed + 1) * 1024 * 1024);
    const pidFile = join(root, job.jobId, "pid");
    await remote(session, sh`read -r pid _ < ${pidFile} && kill -KILL "$pid"`);
    await until("the runner to be gone", async () => !(await readJob(session, job.jobId, root)).alive);
    const look = await readJob(session, job.jobId, root);
    expect(look).toMatchObject({ exists: true, alive: false, status: { state: "running" } });
    expect((await listJobs(session, root)).find((j) => j.jobId === job.jobId)).toMatchObject({ alive: false });
    // A live process that took the runner's pid is not the runner: its start time differs.
    const other = await remote(
      session,
      sh`read -r _ start < ${pidFile}; sleep 60 </dev/null >/dev/null 2>&1 & echo "$! $start" > ${pidFile}; echo $!`,
    );
    try {
      expect((await readJob(session, job.jobId, root)).alive).toBe(false);
    } finally {
      await remote(session, sh`kill ${Number(other.trim())}`);
    }
    await removeJob(session, job.jobId, root);
  });

  it("without python3 and boto3 it refuses with the install line, and creates nothing", async () => {
    const job = spec("nopython", [{ type: "upload", name: "x", command: "true", key: key("none") }]);
    const error = await startJob(session, { spec: job, credentials, root, python: "/bin/false" }).catch((e) => e);
    expect(error).toBeInstanceOf(JobRunnerMissingError);
    expect(error.message).toContain("apt-get install -y --no-install-recommends duplicity python3-boto3 gnupg");
    expect(error.retryable).toBe(false);
    expect((await readJob(session, job.jobId, root)).exists).toBe(false);
  });

  const expiring = (seconds: number): JobCredentials => ({
    ...credentials,
    expiration: new Date(Date.now() + seconds * 1000).toISOString(),
  });

  /**
   * A job whose command sends one part, then waits for `flag` before its last bytes. Once the
   * first part is in, the job gets credentials that expire in 7 s (the runner counts them
   * expired 5 s early), and the test waits past that: however slow the start, the job is
   * between parts when they expire.
   */
  async function expiringJob(name: string) {
    const flag = join(root, `${name}.flag`);
    const command = sh`head -c 9000000 /dev/zero; while [ ! -e ${flag} ]; do sleep 0.1; done; head -c 1000 /dev/zero`;
    const job = spec(name, [{ type: "upload", name: "x", command: command.text, key: key(`${name}.bin`) }]);
    await startJob(session, { spec: job, credentials: expiring(3600), root });
    await until("the first part", async () => (await uploads(key(name))).length > 0);
    const short = expiring(7);
    await refreshCredentials(session, job.jobId, short, root);
    await new Promise((r) => setTimeout(r, Date.parse(short.expiration!) - 5000 + 1000 - Date.now()));
    return { job, short, release: () => writeFile(flag, "") };
  }

  it("credentials that expire without a refresh stop the job with a plain message and no upload left", async () => {
    const { job, short, release } = await expiringJob("expire");
    await release();
    const look = await finished(job.jobId);
    expect(look.status?.state).toBe("failed");
    expect(look.status?.error).toBe(`the storage credentials expired at ${short.expiration} and were not refreshed`);
    expect(look.status?.credentialsExpireAt).toBeCloseTo(Date.parse(short.expiration!) / 1000, 0);
    expect(await uploads(key("expire"))).toEqual([]);
    expect(await objects(key("expire"))).toEqual([]);
  });

  it("credentials refreshed in time keep the job going past the old expiry", async () => {
    const { job, release } = await expiringJob("refresh");
    const fresh = expiring(3600);
    await refreshCredentials(session, job.jobId, fresh, root);
    await release();
    const look = await finished(job.jobId);
    expect(look.status?.error).toBeUndefined();
    expect(look.status?.state).toBe("succeeded");
    expect(look.status?.credentialsExpireAt).toBeCloseTo(Date.parse(fresh.expiration!) / 1000, 0);
    const head = await s3.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key("refresh.bin") }));
    expect(head.ContentLength).toBe(9_001_000);
    await expect(refreshCredentials(session, "no-such-job", fresh, root)).rejects.toThrow(JobGoneError);
  });

  it("a run step gets secrets from files and storage credentials through AWS_CONFIG_FILE; no secret in argv, env or a readable file", async () => {
    const script = [
      "import boto3, hashlib, os",
      "from botocore.config import Config",
      `c = boto3.client("s3", endpoint_url=${JSON.stringify(storage.endpoint)}, config=Config(s3={"addressing_style": "path"}))`,
      `n = c.list_objects_v2(Bucket=${JSON.stringify(storage.bucket)}, Prefix=${JSON.stringify(key("run-slow"))})["KeyCount"]`,
      "k = boto3.Session().get_credentials().get_frozen_credentials().secret_key",
      'print(n, hashlib.sha256(k.encode()).hexdigest(), hashlib.sha256(os.environ["PASSPHRASE"].encode()).hexdigest())',
      'print(sorted(v for v in os.environ if v.startswith("AWS_")))',
    ].join("\n");
    // Each step waits for its flag, which the test sets once it has looked at `ps` during that step.
    const flags = { slow: join(root, "run-slow.flag"), list: join(root, "run-list.flag") };
    const wait = (flag: string) => sh`while [ ! -e ${flag} ]; do sleep 0.1; done`;
    const job = spec(
      "run",
      [
        {
          type: "upload",
          name: "slow",
          command: sh`head -c 9000000 /dev/zero; ${wait(flags.slow)}`.text,
          key: key("run-slow.bin"),
        },
        {
          type: "run",
          name: "list",
          command: sh`${wait(flags.list)}; /usr/bin/python3 -c ${script}`.text,
          env: { PASSPHRASE: "passphrase" },
        },
      ],
      { kind: "duplicity" },
    );
    await startJob(session, { spec: job, credentials, secrets: { passphrase }, root });
    const seen: string[] = [];
    let look = await readJob(session, job.jobId, root);
    while (look.status?.state !== "succeeded" && look.status?.state !== "failed") {
      // A run step's item is the job's kind and the step's name ("duplicity list").
      const item = look.status?.item?.replace(/^duplicity /, "");
      if ((item === "slow" || item === "list") && !seen.includes(item)) {
        const ps = await remote(session, sh`ps -eo args`);
        expect(ps).toContain(flags[item]); // the step's own command is there
        expect(ps).not.toContain(secretAccessKey);
        expect(ps).not.toContain(passphrase);
        seen.push(item);
        await writeFile(flags[item], "");
      }
      await new Promise((r) => setTimeout(r, 500));
      look = await readJob(session, job.jobId, root);
    }
    expect(look.status?.error).toBeUndefined();
    expect(seen).toEqual(["slow", "list"]);
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    expect(await readOutput(session, job.jobId, "list", root)).toBe(
      `1 ${sha(secretAccessKey)} ${sha(passphrase)}\n['AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_SHARED_CREDENTIALS_FILE']\n`,
    );
    expect(look.status?.runs).toEqual([{ name: "list", exitCode: 0 }]);
    // Every file private; the secrets only where they belong.
    const dir = join(root, job.jobId);
    const modes = await remote(session, sh`find ${dir} -printf '%m %y %P\n'`);
    for (const line of modes.trim().split("\n")) expect(line).toMatch(/^(600 f|700 d) /);
    const holding = await remote(session, sh`grep -rlF -e ${secretAccessKey} -e ${passphrase} ${dir} || true`);
    expect(holding.trim().split("\n").sort()).toEqual([`${dir}/credentials.json`, `${dir}/secrets/passphrase`]);
  });

  it("hostile names and keys reach the job as data and execute nothing; hostile ids and names are refused", async () => {
    const job = spec(
      "hostile",
      HOSTILE.map((value, i) => ({
        type: "upload" as const,
        name: value,
        command: `echo ${i}`,
        key: key(`h/${value}`),
      })),
    );
    await startJob(session, { spec: job, credentials, root });
    const look = await finished(job.jobId);
    expect(look.status?.error).toBeUndefined();
    expect(look.status?.results.map((r) => [r.name, r.key])).toEqual(HOSTILE.map((v) => [v, key(`h/${v}`)]));
    for (const value of HOSTILE) {
      await expect(startJob(session, { spec: spec("x", [], { jobId: value }), credentials, root })).rejects.toThrow(
        JobSpecError,
      );
      const fact: JobStep = { type: "upload", name: "f", command: "true", key: key("f"), facts: { [value]: "true" } };
      await expect(startJob(session, { spec: spec("fact", [fact]), root })).rejects.toThrow(JobSpecError);
      const run: JobStep = { type: "run", name: value, command: "true" };
      await expect(startJob(session, { spec: spec("run-name", [run]), root })).rejects.toThrow(JobSpecError);
      await expect(readJob(session, value, root)).rejects.toThrow(JobSpecError);
      await expect(readOutput(session, job.jobId, value, root)).rejects.toThrow(JobSpecError);
    }
    expect((await listJobs(session, root)).map((j) => j.jobId)).not.toContain(`${prefix}-fact`);
    expect(existsSync(CANARY)).toBe(false);
  });
});
