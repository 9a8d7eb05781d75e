/**
 * duplicity as a job on the droplet, end to end against the harness (sshd, duplicity, gpg, the
 * S3 server): the job is built by duplicityJob, started and followed with the runner's lifecycle,
 * its figures read by duplicityJobResult, and the files given back by restoreDuplicity.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  type DuplicityAccess,
  type DuplicityJobInput,
  duplicityJob,
  duplicityJobResult,
  type RemoteSession,
  restoreDuplicity,
  sh,
} from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JobLook, killJob, readJob, removeJob, startJob } from "../../../packages/remote/src/job/lifecycle";
import { harness, missingServices } from "../../harness/context";
import { run } from "../../harness/process";
import { openSession, remote, unique } from "./session";

const skip = missingServices("ssh", "s3", "duplicity");

/** Every file under `root` with its mode and content. */
async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      const s = await stat(full);
      if (e.isDirectory()) {
        out[relative(root, full)] = `dir ${(s.mode & 0o7777).toString(8)}`;
        await walk(full);
      } else
        out[relative(root, full)] = `${(s.mode & 0o7777).toString(8)} ${(await readFile(full)).toString("base64")}`;
    }
  };
  await walk(root);
  return out;
}

/** A relay to 127.0.0.1:`port` that passes what the client sends at `bytesPerSecond` (per connection). */
async function throttledProxy(port: number, bytesPerSecond: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => client.destroy());
    }
    client.on("data", (chunk: Buffer) => {
      upstream.write(chunk);
      client.pause();
      setTimeout(() => client.resume(), (chunk.length / bytesPerSecond) * 1000);
    });
    client.on("end", () => upstream.end());
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.skipIf(skip)(`remote: duplicity as a job on the droplet${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  // s3rver checks no secret key, so the secret can be a sentinel searched for everywhere.
  const secretAccessKey = `secret-${randomBytes(12).toString("hex")}`;
  const passphrase = `passphrase-${randomBytes(12).toString("hex")}`;
  const credentials = { accessKeyId: h.s3?.accessKeyId ?? "", secretAccessKey };
  const target = (prefix: string) => ({ bucket: h.s3!.bucket, prefix, endpoint: h.s3!.endpoint, region: h.s3!.region });
  const lines: string[] = [];
  let session: RemoteSession;
  let dir: string;
  let root: string;
  let secretKey: string;

  beforeAll(async () => {
    session = await openSession((l) => lines.push(l));
    dir = await mkdtemp(join(tmpdir(), "lifeboat-dupjob-"));
    root = join(dir, "jobs");
    secretKey = await run("gpg", ["--homedir", h.duplicity!.gpg.home, "--batch", "--armor", "--export-secret-keys"]);
  });

  afterAll(async () => {
    session.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Polls the job as the routine does (short reads), calling `during` while it runs, until it ended. */
  async function follow(jobId: string, during?: (look: JobLook) => Promise<void>, ms = 100_000): Promise<JobLook> {
    const end = Date.now() + ms;
    for (;;) {
      const look = await readJob(session, jobId, root);
      if (look.status && look.status.state !== "running") return look;
      if (!look.alive && look.exists && look.status) return look;
      if (Date.now() > end) throw new Error(`job ${jobId} did not end: ${look.logTail}`);
      await during?.(look);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The duplicity process of this target while it runs: its pid and argv. */
  async function duplicityProcess(url: string): Promise<{ pid: string; args: string } | undefined> {
    const listing = await remote(session, sh`ps -eo pid=,args=`);
    // duplicity itself (python), not the runner's `bash -c` around it.
    const line = listing.split("\n").find((l) => / \S*python3?\S* \S*duplicity /.test(l) && l.includes(url));
    const m = line ? /^\s*(\d+)\s+(.*)$/.exec(line) : null;
    return m ? { pid: m[1] ?? "", args: m[2] ?? "" } : undefined;
  }

  it("a full then an incremental as jobs; figures from the outputs; restorable; no secret in argv, env or logs", async () => {
    const src = join(dir, "src");
    await mkdir(join(src, "etc", "app"), { recursive: true });
    await writeFile(join(src, "etc", "app", "config.yml"), "port: 8080\n", { mode: 0o640 });
    await writeFile(join(src, "blob.bin"), randomBytes(24_000_000)); // long enough to be seen running
    await mkdir(join(src, "skip"));
    await writeFile(join(src, "skip", "cache"), "not wanted");
    const prefix = unique("dupjob-gpg");
    const access: DuplicityAccess = {
      target: target(prefix),
      credentials,
      encryption: {
        type: "gpg",
        fingerprint: h.duplicity!.gpg.fingerprint,
        publicKeyArmored: h.duplicity!.gpg.publicKeyArmored,
      },
      cache: { archiveDir: join(dir, "cache") },
    };
    const input = (runId: string): DuplicityJobInput => ({
      runId,
      settings: { paths: [src], exclude: [join(src, "skip")], fullEverySeconds: 30 * 86_400, keepFull: 2 },
      access,
      now: new Date(),
    });
    const url = `boto3+s3://${h.s3!.bucket}/${prefix}`;

    const fullRun = unique("run-full");
    const full = await duplicityJob(session, input(fullRun));
    expect(await startJob(session, { ...full, root })).toEqual({ started: true });
    const seen: string[] = [];
    const environ: string[] = [];
    const ended = await follow(full.spec.jobId, async () => {
      seen.push(await remote(session, sh`ps -eo args=`));
      const dup = await duplicityProcess(url);
      if (dup && environ.length === 0) {
        // It may end between the two looks: then the next poll tries again.
        const read = await session.run(sh`tr '\\0' '\\n' < /proc/${dup.pid}/environ`, {
          what: "read duplicity's environment",
          check: false,
        });
        if (read.code === 0 && read.stdout) environ.push(read.stdout);
      }
    });
    expect(ended.status).toMatchObject({ state: "succeeded" });
    expect(ended.status?.runs.map((r) => r.name)).toEqual(["mode", "keyring", "backup", "retention", "status"]);
    // It was seen running, and what it ran held no secret; duplicity's own environment has no storage key.
    expect(seen.join("\n")).toContain(url);
    expect(seen.join("\n")).not.toContain(secretAccessKey);
    expect(environ.length).toBe(1);
    expect(environ[0]).toMatch(/^AWS_CONFIG_FILE=/m);
    // A short link to the job's keyring (gpg-agent's socket paths must stay under 108 bytes).
    expect(environ[0]).toMatch(/^GNUPGHOME=\/.{1,60}\/home$/m);
    expect(environ[0]).not.toContain(secretAccessKey);
    expect(environ[0]).not.toMatch(/^AWS_(SECRET_ACCESS_KEY|ACCESS_KEY_ID|SESSION_TOKEN)=/m);
    // The job's keyring is private, and no gpg-agent of it outlives its steps.
    expect((await stat(join(root, full.spec.jobId, "gnupg"))).mode & 0o777).toBe(0o700);
    expect(await remote(session, sh`ps -eo args=`)).not.toContain(join(root, full.spec.jobId));

    const fullResult = await duplicityJobResult(session, full.spec.jobId, root);
    expect(fullResult).toMatchObject({ mode: "full", chains: 1 });
    expect(fullResult.bytes).toBeGreaterThan(20_000_000);
    expect(fullResult.lastFull).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(fullResult.durationSeconds).toBeGreaterThanOrEqual(0);
    await removeJob(session, full.spec.jobId, root);

    await writeFile(join(src, "etc", "app", "config.yml"), "port: 9090\n");
    await writeFile(join(src, "new.txt"), "added later\n", { mode: 0o600 });
    const inc = await duplicityJob(session, input(unique("run-inc")));
    await startJob(session, { ...inc, root });
    expect((await follow(inc.spec.jobId)).status).toMatchObject({ state: "succeeded" });
    const incResult = await duplicityJobResult(session, inc.spec.jobId, root);
    expect(incResult).toMatchObject({ mode: "incremental", chains: 1, lastFull: fullResult.lastFull });
    expect(incResult.bytes).toBeLessThan(1_000_000);
    await removeJob(session, inc.spec.jobId, root);

    const into = join(dir, "restored");
    await restoreDuplicity(session, {
      target: access.target,
      credentials,
      decryption: { type: "gpg", secretKeyArmored: secretKey },
      path: src,
      into,
      cache: access.cache,
    });
    const expected = await tree(src);
    delete expected.skip;
    delete expected["skip/cache"];
    expect(await tree(into)).toEqual(expected);

    const text = JSON.stringify({ lines, full: full.spec, inc: inc.spec, fullResult, incResult });
    expect(text).not.toContain(secretAccessKey);
    expect(text).not.toContain("PRIVATE KEY");
  });

  it("a job killed mid-backup ends failed; the next job finishes the backup and everything restores", async () => {
    const src = join(dir, "src-kill");
    await mkdir(src, { recursive: true });
    await writeFile(join(src, "big.bin"), randomBytes(30_000_000));
    await writeFile(join(src, "small.txt"), "small\n");
    const prefix = unique("dupjob-kill");
    // The killed job uploads over a slow link (2 MB/s), so it is surely still running when it is killed.
    const slow = await throttledProxy(Number(new URL(h.s3!.endpoint).port), 2_000_000);
    const access: DuplicityAccess = {
      target: { ...target(prefix), endpoint: `http://127.0.0.1:${slow.port}` },
      credentials,
      encryption: { type: "passphrase", passphrase },
      cache: { archiveDir: join(dir, "cache-kill") },
    };
    const input = (runId: string): DuplicityJobInput => ({
      runId,
      settings: { paths: [src], exclude: [], fullEverySeconds: 30 * 86_400, keepFull: 2 },
      access,
      now: new Date(),
    });
    const url = `boto3+s3://${h.s3!.bucket}/${prefix}`;

    const killedRun = unique("run-killed");
    const first = await duplicityJob(session, input(killedRun));
    await startJob(session, { ...first, root });
    const seen: string[] = [];
    let running = 0;
    let retried: { started: boolean; stillRunning: boolean } | undefined;
    await follow(first.spec.jobId, async () => {
      seen.push(await remote(session, sh`ps -eo args=`));
      if ((await duplicityProcess(url))?.args.includes(" full ")) running++;
      if (running === 1 && !retried) {
        // A retried start step while duplicity runs: its check is not locked out by the job's cache, and it attaches.
        const again = await startJob(session, { ...(await duplicityJob(session, input(killedRun))), root });
        retried = { ...again, stillRunning: !!(await duplicityProcess(url)) };
      }
      // Killed once duplicity has been writing the full for a while.
      if (running === 3) await killJob(session, first.spec.jobId, root);
    });
    const killed = await readJob(session, first.spec.jobId, root);
    expect(retried).toEqual({ started: false, stillRunning: true });
    expect(running).toBeGreaterThanOrEqual(3);
    expect(killed).toMatchObject({ alive: false, status: { state: "failed" } });
    expect(seen.join("\n")).not.toContain(passphrase);
    expect(seen.join("\n")).not.toContain(secretAccessKey);
    // Nothing of the killed job still runs: not duplicity, not a gpg-agent of its keyring.
    expect(await duplicityProcess(url)).toBeUndefined();
    expect(await remote(session, sh`ps -eo args=`)).not.toContain(join(root, first.spec.jobId));
    await expect(duplicityJobResult(session, first.spec.jobId, root)).rejects.toThrow(/is failed, not succeeded/);
    await removeJob(session, first.spec.jobId, root);
    await slow.close();
    access.target = target(prefix);

    // The next run: duplicity finishes (or restarts) the partial full from its cache, no cleanup needed.
    const next = await duplicityJob(session, input(unique("run-after")));
    await startJob(session, { ...next, root });
    const after = await follow(next.spec.jobId);
    expect(after.status, after.logTail).toMatchObject({ state: "succeeded" });
    const result = await duplicityJobResult(session, next.spec.jobId, root);
    expect(result).toMatchObject({ mode: "full", chains: 1 });
    // Whether the killed job got as far as a partial set duplicity resumes ("Last full backup
    // left a partial set, restarting.") depends on the machine's load; either way the next
    // job ends with one complete chain and no incomplete set left behind.
    const status = await remote(session, sh`cat ${join(root, next.spec.jobId, "outputs", "status")}`);
    expect(status).toContain("No orphaned or incomplete backup sets found.");
    await removeJob(session, next.spec.jobId, root);

    const into = join(dir, "restored-kill");
    await restoreDuplicity(session, {
      target: access.target,
      credentials,
      decryption: { type: "passphrase", passphrase },
      path: src,
      into,
      cache: access.cache,
    });
    expect(await tree(into)).toEqual(await tree(src));
    expect(JSON.stringify(lines)).not.toContain(passphrase);
  });
});
