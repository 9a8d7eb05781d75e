/**
 * Issue #14's failure modes of the archive job, through the whole routine (`runPlan` in the
 * durable test runner, waits skipped) on the harness's real sshd + dockerd + s3rver: the job
 * killed mid-stream, its directory lost as after a reboot, the droplet refusing SSH for a while
 * and for too long, a full disk, and credentials that expire mid-job with and without a
 * refresh. Each failure ends with nothing half-stored (no object, no manifest, no open
 * multipart upload), the containers running, the archive phase failed in plain words (what
 * happened, what was done), the snapshot taken, and a following run that succeeds and leaves
 * no job behind. The secrets never show in a log line, an event, argv or a readable file.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import type { LifeboatConfigInput, RunResult } from "@lifeboat/core";
import { sh } from "@lifeboat/remote";
import { manifestKey, runPrefix } from "@lifeboat/storage";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { JobCredentials } from "../../../packages/remote/src/job/spec";
import { harness, missingServices } from "../../harness/context";
import type { World } from "../../unit/routine/world";
import {
  type BeforeStep,
  jobDirsIn,
  jobWorld,
  ofType,
  onDroplet,
  type SshGate,
  s3SinkOf,
  startSshGate,
} from "./job-world";

const skip = missingServices("ssh", "docker", "s3", "duplicity");

describe.skipIf(skip)(`routine: the archive job's failures${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  const p = unique();
  const app = `${p}-app`;
  const noise = `${p}-noise`;
  // s3rver checks no secret: these markers must never show up in a log, event, argv or readable file.
  const secretAccessKey = `secret-${randomBytes(12).toString("hex")}`;
  const passphrase = `passphrase-${randomBytes(12).toString("hex")}`;
  const sink = s3SinkOf(h, `${p}/`);
  const lines: string[] = [];
  const worlds: World[] = [];
  const gates: SshGate[] = [];
  let dir: string;
  let privateKey: string;

  function unique() {
    return `jf-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  }

  beforeAll(async () => {
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    privateKey = await readFile(h.ssh!.privateKeyPath, "utf8");
    dir = await mkdtemp(join(tmpdir(), "lifeboat-job-failures-"));
    await mkdir(join(dir, "src"), { recursive: true });
    await writeFile(join(dir, "src", "app.conf"), "port 8080\n");
    const image = h.docker!.baseImage;
    // 24 MiB that do not compress: at the plans' 4 MB/s cap the job uploads for ~6 s, in 8 MiB parts.
    await onDroplet(sh`docker volume create ${noise}`);
    await onDroplet(
      sh`docker run --rm --log-driver none -v ${`${noise}:/data`} ${image} sh -c ${"head -c 25165824 /dev/urandom > /data/noise"}`,
    );
    // Stops at once on SIGTERM (a bare `sleep` as PID 1 would make every `docker stop` wait its timeout).
    const service = 'trap "exit 0" TERM; sleep 100000 & wait';
    await onDroplet(sh`docker run -d --name ${app} --log-driver none -v ${`${noise}:/data`} ${image} sh -c ${service}`);
  });

  afterEach(async () => {
    for (const w of worlds.splice(0)) await w.close();
    for (const g of gates.splice(0)) await g.close();
  });

  afterAll(async () => {
    await onDroplet(sh`docker rm -f ${app}`).catch(() => undefined);
    await onDroplet(sh`docker volume rm -f ${noise}`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await LocalDurableTestRunner.teardownTestEnvironment();
  });

  interface Setup {
    port?: number;
    duplicity?: boolean;
    /** The upload cap; null: none (a following run, fast). */
    limit?: string | null;
    droplet?: string;
    root?: string;
  }

  const configFor = (droplet: string, o: Setup = {}) =>
    ({
      plans: [
        {
          name: "nightly",
          schedule: "cron(30 2 * * ? *)",
          droplets: [{ name: droplet }],
          snapshot: { approval: { required: false } },
          retention: { keepLast: 3 },
          containers: { include: [app], capture: "none", stopDuringArchive: [app] },
          volumes: { include: [noise] },
          jobs: {
            stallAfter: "20s",
            unreachableFor: "20s",
            ...(o.limit === null ? {} : { bandwidthLimit: o.limit ?? "4MB/s" }),
          },
          ...(o.duplicity
            ? {
                duplicity: {
                  paths: [join(dir, "src")],
                  encryption: { type: "passphrase" },
                  fullEvery: "30d",
                  keepFull: 2,
                },
              }
            : {}),
        },
      ],
      ssh: {
        user: h.ssh!.user,
        port: o.port ?? h.ssh!.port,
        droplets: { [droplet]: { hostKey: h.ssh!.hostKeyFingerprint, address: "127.0.0.1" } },
      },
    }) as LifeboatConfigInput;

  /** The real clock (ms), as the runner on the droplet sees it: the durable test runner fakes Date. */
  const realNow = () => Number(execFileSync("date", ["+%s%3N"], { encoding: "utf8" }).trim());

  /** Static test credentials (s3rver's key, the sentinel secret), optionally expiring `expiresIn` ms after each ask. */
  const credentialsFor = (expiresIn?: number): JobCredentials => ({
    accessKeyId: h.s3!.accessKeyId,
    secretAccessKey,
    ...(expiresIn !== undefined ? { expiration: new Date(realNow() + expiresIn).toISOString() } : {}),
  });

  interface Case {
    droplet: string;
    world: World;
    root: string;
    /** Set per run: what the test does before a step. */
    hook: { before?: BeforeStep; errors: string[] };
    credentials: { ask: () => Promise<JobCredentials>; asked: number };
  }

  async function setUp(o: Setup = {}): Promise<Case> {
    const droplet = o.droplet ?? `web-${Math.random().toString(36).slice(2, 8)}`;
    const root = o.root ?? join(await mkdtemp(join(dir, "jobs-")), "jobs");
    const hook: Case["hook"] = { errors: [] };
    const credentials: Case["credentials"] = { ask: async () => credentialsFor(), asked: 0 };
    const world = await jobWorld({
      h,
      config: configFor(droplet, o),
      sink,
      privateKey,
      passphrase,
      duplicitySecret: secretAccessKey,
      archiveCredentials: () => {
        credentials.asked++;
        return credentials.ask();
      },
      jobRoot: root,
      log: (line) => lines.push(line),
      // A test action that fails is recorded, not thrown: a throw would fail (and retry) the routine's step.
      beforeStep: async (name) => {
        try {
          await hook.before?.(name);
        } catch (error) {
          hook.errors.push(`before ${name}: ${(error as Error).message}`);
        }
      },
    });
    worlds.push(world);
    world.sandbox.addDroplet({ name: droplet, diskGb: 2, usedDiskGb: 1 });
    return { droplet, world, root, hook, credentials };
  }

  const running = async (name: string) =>
    (await onDroplet(sh`docker inspect -f ${"{{.State.Running}}"} ${name}`)).trim() === "true";

  /** Waits (polling, not sleeping a guess) until `check` holds; fails naming `what` after `ms`. */
  async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The only job under the root: its id. */
  async function theJob(c: Case): Promise<string> {
    const jobs = await jobDirsIn(c.root);
    expect(jobs).toHaveLength(1);
    return jobs[0]!;
  }
  const runIdOf = (jobId: string) => jobId.replace(/-archive$/, "");

  /** The job is mid-stream: s3rver holds an open multipart upload under its run (a part is in). */
  async function midStream(c: Case): Promise<string> {
    const runId = runIdOf(await theJob(c));
    await until(
      "the job has an open upload",
      async () => (await sink.openUploads!(runPrefix(c.droplet, runId))).length > 0,
    );
    return runId;
  }

  /**
   * The run failed cleanly: archive failed with `what` and a recovery matching `done`, nothing of
   * the run left in the bucket, the container running, the snapshot taken; then a following run
   * succeeds and leaves no job directory on the droplet.
   */
  async function failedCleanly(c: Case, result: RunResult, what: RegExp, done: RegExp): Promise<void> {
    const outcome = result.droplets[0]!;
    expect(outcome.detail).toMatch(what);
    expect(outcome.phases).toMatchObject({ archive: "failed", snapshot: "done", "power on": "done" });
    expect(outcome.detail).toMatch(what);
    const failed = ofType(c.world.events, "run.failed");
    expect(failed.map((f) => f.phase)).toEqual(["archive"]);
    expect(failed[0]!.error).toMatch(what);
    expect(failed[0]!.recovery).toMatch(done);
    expect(failed[0]!.recovery).toContain("no manifest was written");
    expect(ofType(c.world.events, "archive.stored")).toEqual([]);
    expect(ofType(c.world.events, "snapshot.completed")).toHaveLength(1);
    const prefix = runPrefix(c.droplet, result.runId);
    expect(await sink.list(prefix)).toEqual([]);
    expect(await sink.head(manifestKey(c.droplet, result.runId))).toBeUndefined();
    expect(await sink.openUploads!(prefix)).toEqual([]);
    expect(await running(app)).toBe(true);
    noSecretIn({ lines, events: c.world.events, result });
    await followingRunSucceeds(c);
  }

  /** A day later, the same droplet and job root, without the upload cap (fast). */
  async function followingRunSucceeds(failed: Case): Promise<RunResult> {
    const c = await setUp({ droplet: failed.droplet, root: failed.root, limit: null });
    const next = (await c.world.run({ plan: "nightly", scheduledTime: "2026-01-05T02:30:00Z" })).getResult()!;
    expect(next.droplets[0]?.detail).not.toMatch(/failed/);
    expect(next.outcome).toBe("succeeded");
    expect(next.droplets[0]?.phases).toMatchObject({ archive: "done", snapshot: "done" });
    expect(ofType(c.world.events, "archive.stored").map((s) => s.kind)).toEqual(["volume", "manifest"]);
    expect(await sink.openUploads!(runPrefix(c.droplet, next.runId))).toEqual([]);
    expect(await jobDirsIn(c.root)).toEqual([]);
    expect(await running(app)).toBe(true);
    noSecretIn({ lines, events: c.world.events, next });
    return next;
  }

  function noSecretIn(what: unknown) {
    const text = JSON.stringify(what);
    expect(text).not.toContain(secretAccessKey);
    expect(text).not.toContain(passphrase);
    expect(text).not.toContain("PRIVATE KEY");
  }

  /** While a job runs: no process's argv holds a secret, and no file under the job root is readable by others. */
  async function secretsKeptWhile(c: Case): Promise<void> {
    const argv = await onDroplet(sh`ps -eo args`);
    expect(argv).not.toContain(secretAccessKey);
    expect(argv).not.toContain(passphrase);
    expect((await onDroplet(sh`find ${c.root} -perm -o=r`)).trim()).toBe("");
    expect((await onDroplet(sh`find ${c.root} -perm -g=r`)).trim()).toBe("");
  }

  async function run(c: Case): Promise<RunResult> {
    const result = (await c.world.run({ plan: "nightly", scheduledTime: "2026-01-04T02:30:00Z" })).getResult()!;
    expect(c.hook.errors).toEqual([]);
    return result;
  }

  it("the runner killed (SIGKILL) mid-stream: lost, its upload aborted, the container started again", async () => {
    const c = await setUp({ limit: "1MB/s" });
    let killed = false;
    c.hook.before = async (name) => {
      if (name !== `poll archive ${c.droplet} 1` || killed) return;
      const jobId = `${await midStream(c)}-archive`;
      // The runner only (not its group), in the same command that reads its pid: it is still uploading.
      const pidFile = join(c.root, jobId, "pid");
      await onDroplet(sh`read -r pid _ < ${pidFile} && kill -KILL "$pid"`);
      killed = true;
      expect(await running(app)).toBe(false);
    };
    const result = await run(c);
    expect(killed).toBe(true);
    await failedCleanly(
      c,
      result,
      /the archive job was lost at volume .*: the job's process is gone without finishing/,
      /the job was stopped: .*aborted 1 unfinished upload.*started .* again.*removed job/,
    );
  });

  it("the job's directory lost as after a reboot (runner killed, directory removed): lost, uploads aborted", async () => {
    const c = await setUp({ limit: "1MB/s" });
    let lost = false;
    c.hook.before = async (name) => {
      if (name !== `poll archive ${c.droplet} 1` || lost) return;
      const jobId = `${await midStream(c)}-archive`;
      const job = join(c.root, jobId);
      // The runner leads its own process group (setsid): the whole job goes, as in a reboot.
      await onDroplet(sh`read -r pid _ < ${join(job, "pid")} && kill -KILL -- "-$pid" && rm -rf -- ${job}`);
      lost = true;
    };
    const result = await run(c);
    expect(lost).toBe(true);
    // The job is gone with what it knew of the stopped container: step 7 starts it again, as after a reboot.
    await failedCleanly(
      c,
      result,
      /the archive job was lost: the job's directory is gone from the droplet/,
      /the job was stopped: .*was already gone from the droplet.*aborted 1 unfinished upload/,
    );
  });

  it("SSH refused for a few polls, shorter than jobs.unreachableFor: the run goes on and succeeds, duplicity too", async () => {
    const gate = await startSshGate(h.ssh!.port);
    gates.push(gate);
    const c = await setUp({ port: gate.port, duplicity: true });
    const refused: string[] = [];
    c.hook.before = async (name) => {
      if (name === `poll archive ${c.droplet} 2`) await gate.refuse();
      if (name === `poll archive ${c.droplet} 3`) refused.push(name);
      if (name === `poll archive ${c.droplet} 4`) await gate.accept();
      if (name === `poll duplicity ${c.droplet} 1`) await secretsKeptWhile(c);
    };
    const result = await run(c);
    expect(refused).toHaveLength(1);
    expect(result.droplets[0]).toMatchObject({ outcome: "succeeded", detail: expect.not.stringMatching(/failed/) });
    expect(result.droplets[0]?.phases).toMatchObject({ archive: "done", duplicity: "done", snapshot: "done" });
    expect(lines.some((l) => l.includes(`${c.droplet}: connection attempt`))).toBe(true);
    expect(await jobDirsIn(c.root)).toEqual([]);
    expect(await running(app)).toBe(true);
    noSecretIn({ lines, events: c.world.events, result });
  });

  it("SSH refused past jobs.unreachableFor: the job is stopped once the droplet answers again, in plain words", async () => {
    const gate = await startSshGate(h.ssh!.port);
    gates.push(gate);
    // A slower job (~48 s for the volume), so that it is still uploading when it is stopped after
    // 20 s unreachable, even on a busy machine (at 1MB/s it could finish first).
    const c = await setUp({ port: gate.port, limit: "512KB/s" });
    c.hook.before = async (name) => {
      if (name === `poll archive ${c.droplet} 2`) {
        await midStream(c);
        await secretsKeptWhile(c);
        await gate.refuse();
      }
      if (name === `stop archive job ${c.droplet}`) await gate.accept();
    };
    const result = await run(c);
    await failedCleanly(
      c,
      result,
      /could not be reached for 20s \(jobs.unreachableFor is 20s\)/,
      // SIGTERM: the runner aborted its own upload and started the container again before it ended.
      /the job was stopped: stopped job .*removed job/,
    );
  });

  it("the droplet's disk full under the job (its root on a tiny tmpfs, filled mid-stream): stopped, said plainly", async () => {
    // The droplet is this machine: a 1 MiB tmpfs holds the job root; it is filled once the job uploads.
    const disk = await mkdtemp(join(dir, "disk-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", disk]);
    try {
      const c = await setUp({ root: join(disk, "jobs"), limit: "1MB/s" });
      let filled = false;
      c.hook.before = async (name) => {
        if (name !== `poll archive ${c.droplet} 1` || filled) return;
        await midStream(c);
        await onDroplet(sh`dd if=/dev/zero of=${join(disk, "filler")} bs=64k 2>/dev/null; df -k ${disk}`);
        filled = true;
      };
      const result = await run(c);
      expect(filled).toBe(true);
      await rm(join(disk, "filler"));
      await failedCleanly(c, result, /disk .*is full/, /the job was stopped: stopped job .*removed job/);
    } finally {
      execFileSync("umount", ["-l", disk]);
    }
  });

  it("storage credentials that expire mid-job and are refreshed at each poll: the run succeeds", async () => {
    const c = await setUp({ limit: "2MB/s" });
    // The runner treats credentials within 5 s of their expiry as expired: these last ~7 s of a ~12 s job.
    c.credentials.ask = async () => credentialsFor(12_000);
    const result = await run(c);
    expect(result.droplets[0]?.detail).not.toMatch(/failed/);
    expect(result.droplets[0]?.phases).toMatchObject({ archive: "done" });
    expect(c.credentials.asked).toBeGreaterThan(1);
    expect(await jobDirsIn(c.root)).toEqual([]);
    noSecretIn({ lines, events: c.world.events, result });
  });

  it("storage credentials that expire mid-job without a refresh: the job stops cleanly, reported", async () => {
    const c = await setUp();
    let first = true;
    c.credentials.ask = async () => {
      if (!first) throw new Error("the test's STS refuses fresh credentials");
      first = false;
      return credentialsFor(8_000);
    };
    const result = await run(c);
    expect(lines.some((l) => l.includes("could not hand fresh credentials") && l.includes("STS refuses"))).toBe(true);
    await failedCleanly(
      c,
      result,
      /the archive job failed at volume .*: the storage credentials expired at .* and were not refreshed/,
      /the job was stopped: .*removed job/,
    );
  });
});
