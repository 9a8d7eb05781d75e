/**
 * `lifeboat verify` with a plan's `verify.duplicityPath` (#15 §1), end to end: one duplicity
 * backup made on the harness "droplet" (its sshd, the S3 server, real duplicity), then the CLI as
 * a person runs it, against the built-in sandbox's droplet `ssh` mapped to that sshd: `duplicity
 * verify` runs there as a job and passes; a file changed on the droplet is then named.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { duplicityJobSpec, type RemoteSession, sh } from "@lifeboat/remote";
import { duplicityPrefix } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJob, removeJob, startJob } from "../../../packages/remote/src/job/lifecycle";
import { harness, missingServices } from "../../harness/context";
import { lifeboat, sandboxEnv } from "../../unit/cli/cli-process";
import { openSession, remote, unique } from "../remote/session";

const skip = missingServices("ssh", "s3", "duplicity");

describe.skipIf(skip)(`lifeboat verify: duplicity verify on the droplet${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const h = harness();
  const passphrase = `passphrase-${randomBytes(12).toString("hex")}`;
  let dir: string;
  let app: string;
  let config: string;
  let session: RemoteSession;
  const env = () =>
    sandboxEnv({
      AWS_ACCESS_KEY_ID: h.s3!.accessKeyId,
      AWS_SECRET_ACCESS_KEY: h.s3!.secretAccessKey,
      DUPLICITY_PASSPHRASE: passphrase,
      SSH_PRIVATE_KEY_FILE: h.ssh!.privateKeyPath,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cli-dupverify-"));
    const src = join(dir, "srv");
    app = join(src, "app");
    await mkdir(join(app, "conf"), { recursive: true });
    await writeFile(join(app, "conf", "app.yml"), "port: 8080\n");
    await writeFile(join(app, "data.bin"), randomBytes(200_000));
    await writeFile(join(src, "other.txt"), "backed up, not verified\n");
    const prefix = `${unique("cli-dupverify")}/`;
    const s3 = h.s3!;

    // The one backup every test verifies against: the duplicity job `lifeboat run` starts, its
    // backup step only (its retention and collection-status steps add nothing here but time).
    session = await openSession();
    const job = duplicityJobSpec({
      runId: unique("backup"),
      settings: { paths: [src], exclude: [], fullEverySeconds: 30 * 86_400, keepFull: 2 },
      access: {
        target: { bucket: s3.bucket, prefix: duplicityPrefix(prefix, "ssh"), endpoint: s3.endpoint, region: s3.region },
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        encryption: { type: "passphrase", passphrase },
        cache: { archiveDir: join(dir, "cache") },
      },
      mode: "full",
      binary: "duplicity",
    });
    job.spec.steps = job.spec.steps.filter((step) => step.type === "run" && ["keyring", "backup"].includes(step.name));
    await startJob(session, {
      ...job,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    for (let look = await readJob(session, job.spec.jobId); ; look = await readJob(session, job.spec.jobId)) {
      if (look.status && look.status.state !== "running") {
        expect(look.status.state, look.logTail).toBe("succeeded");
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await removeJob(session, job.spec.jobId);

    config = join(dir, "lifeboat.config.ts");
    await writeFile(
      config,
      `export default ${JSON.stringify({
        plans: [
          {
            name: "nightly",
            schedule: "rate(1 day)",
            droplets: [{ name: "ssh" }],
            snapshot: { mode: "none" },
            duplicity: { paths: [src], encryption: { type: "passphrase" } },
            verify: { duplicityPath: app },
          },
        ],
        ssh: {
          user: h.ssh!.user,
          port: h.ssh!.port,
          droplets: { ssh: { address: h.ssh!.host, hostKey: h.ssh!.hostKeyFingerprint } },
        },
        storage: { type: "s3", bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, prefix },
      })};\n`,
    );
  }, 60_000);

  afterAll(async () => {
    session?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The verify jobs still on the droplet (each removes itself once read). */
  const verifyJobsLeft = async () =>
    (await remote(session, sh`ls -1 ${join(homedir(), ".lifeboat", "jobs")} 2>/dev/null || true`))
      .split("\n")
      .filter((l) => l.endsWith("-duplicity-verify"));

  it("the path as backed up: the verify runs on the droplet and holds", async () => {
    const r = lifeboat(["--json", "-c", config, "verify", "nightly"], env());
    const report = JSON.parse(r.stdout);
    const finding = report.findings.find((f: { item: string }) => f.item === `verify ${app}`);
    expect(finding, r.stderr).toEqual({
      droplet: "ssh",
      check: "duplicity",
      item: `verify ${app}`,
      ok: true,
      detail: `duplicity verify of ${app}: 4 files compared with the latest backup, none differs`,
    });
    expect(r.stdout + r.stderr).not.toContain(passphrase);
    expect(await verifyJobsLeft()).toEqual([]);
  }, 60_000);

  it("a file changed on the droplet since: exit 1, the file named", async () => {
    const file = join(app, "conf", "app.yml");
    const { mtime } = await stat(file);
    await writeFile(file, "port: 9090\n"); // same size, same mtime: only the content tells
    await utimes(file, mtime, mtime);
    const r = lifeboat(["-c", config, "verify", "ssh"], env());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      `BROKEN ssh duplicity verify ${app}: duplicity verify of ${app}: 1 file differs from the latest backup: ${file} (content differs)`,
    );
    expect(r.stdout + r.stderr).not.toContain(passphrase);
    expect(await verifyJobsLeft()).toEqual([]);
  }, 60_000);
});
