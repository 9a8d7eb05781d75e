/**
 * duplicity as a droplet job: the spec's commands run here through a real bash (and a real gpg
 * for the keyring), with a recording stand-in for the duplicity binary, so quoting, the private
 * keyring and the mode are checked by execution, not by reading the text.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type DuplicityAccess,
  duplicityJob,
  duplicityJobSpec,
  duplicityResultFrom,
  localSession,
  UnsafeNameError,
} from "@lifeboat/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGpgKeys, type GpgKeys, stopGpgAgent } from "../../harness/gpg";

const exec = promisify(execFile);

const secretAccessKey = "secret-access-key-0123456789";
const sessionToken = "session-token-abcdefghijkl";
const passphrase = "pass phrase 'with' $(quotes)";
const target = {
  bucket: "lifeboat-test",
  prefix: "duplicity/web-1",
  endpoint: "http://127.0.0.1:9000",
  region: "fra1",
};
const credentials = { accessKeyId: "AKIATEST", secretAccessKey, sessionToken, expiration: "2026-11-30T10:00:00Z" };
const HOSTILE = [
  "/srv/it's here",
  "/srv/$(touch pwned)",
  "/srv/`touch pwned`",
  "/srv/a b;touch pwned",
  "/srv/line\nbreak",
  "/srv/--dry-run",
];

let dir: string;
let keys: GpgKeys;
let fake: string;

/** Runs one `run` step as the runner does: bash, pipefail, LIFEBOAT_JOB_DIR, the step's secret env. */
async function runStep(command: string, jobDir: string, env: Record<string, string> = {}) {
  return exec("bash", ["-c", `set -o pipefail\n${command}`], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir, "home"), LIFEBOAT_JOB_DIR: jobDir, ...env },
  });
}

/** What the stand-in recorded for `action`: its argv and the environment it saw. */
async function recorded(action: string) {
  const argv = (await readFile(join(dir, `call-${action}.argv`), "utf8")).split("\0").slice(0, -1);
  const env = Object.fromEntries(
    (await readFile(join(dir, `call-${action}.env`), "utf8"))
      .trim()
      .split("\n")
      .map((l) => l.split(/=(.*)/s).slice(0, 2)),
  );
  return { argv, env };
}

const gpgAccess = (): DuplicityAccess => ({
  target,
  credentials,
  encryption: { type: "gpg", fingerprint: keys.fingerprint, publicKeyArmored: keys.publicKeyArmored },
  cache: { archiveDir: "/var/cache/lifeboat duplicity" },
});
const passphraseAccess = (): DuplicityAccess => ({
  target,
  credentials,
  encryption: { type: "passphrase", passphrase },
});
const settings = { paths: ["/srv"], exclude: [], fullEverySeconds: 30 * 86_400, keepFull: 2 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lifeboat-dupjob-"));
  await mkdir(join(dir, "home"));
  keys = await createGpgKeys(join(dir, "keys"));
  fake = join(dir, "bin dir", "duplicity");
  await mkdir(join(dir, "bin dir"));
  await writeFile(
    fake,
    [
      "#!/bin/bash",
      `out=${JSON.stringify(dir)}/call-$1`,
      `printf '%s\\0' "$@" > "$out.argv"`,
      `printf '%s\\n' "GNUPGHOME=\${GNUPGHOME-}" "TZ=\${TZ-}" "PASSPHRASE=\${PASSPHRASE-unset}" "AWS=\${AWS_SECRET_ACCESS_KEY-unset}" > "$out.env"`,
      `if [ "$1" = collection-status ]; then cat ${JSON.stringify(dir)}/status; fi`,
    ].join("\n"),
    { mode: 0o755 },
  );
}, 60_000);

afterAll(async () => {
  await stopGpgAgent(keys.home);
  await rm(dir, { recursive: true, force: true });
});

describe("duplicity job spec", () => {
  it("holds no secret in any command or field; secrets are files, credentials go to credentials.json", () => {
    for (const access of [gpgAccess(), passphraseAccess()]) {
      const { spec, secrets } = duplicityJobSpec({ runId: "r1", settings, access, mode: "full", binary: "duplicity" });
      const text = JSON.stringify(spec);
      const armoredBody = keys.publicKeyArmored.split("\n")[3] ?? "";
      const keyText = secrets["gpg-key"] ? [secrets["gpg-key"]] : [];
      for (const secret of [secretAccessKey, sessionToken, passphrase, armoredBody, ...keyText]) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/AWS_|PRIVATE KEY/);
      expect(spec).toMatchObject({ version: 1, jobId: "r1-duplicity", kind: "duplicity", runId: "r1" });
      // Every env entry names a secret file the job gets, and only PASSPHRASE is passed that way.
      for (const step of spec.steps) {
        if (step.type !== "run") throw new Error("only run steps");
        for (const [name, file] of Object.entries(step.env ?? {})) {
          expect(name).toBe("PASSPHRASE");
          expect(secrets[file]).toBe(passphrase);
        }
      }
      if (access.encryption.type === "gpg") {
        expect(Object.keys(secrets)).toEqual(["gpg-key"]);
        expect(Buffer.from(secrets["gpg-key"] ?? "", "base64").toString()).toBe(keys.publicKeyArmored);
        expect(spec.steps.some((s) => s.type === "run" && s.env)).toBe(false);
      } else {
        expect(secrets).toEqual({ passphrase });
      }
    }
  });

  it("hands hostile paths to duplicity as one argument each, and runs nothing from them", async () => {
    const { spec } = duplicityJobSpec({
      runId: "r2",
      settings: {
        paths: HOSTILE,
        exclude: ["/srv/x'; touch pwned; '", "/srv/*.tmp"],
        fullEverySeconds: 1,
        keepFull: 2,
      },
      access: gpgAccess(),
      mode: "incremental",
      binary: fake,
    });
    const backup = spec.steps.find((s) => s.type === "run" && s.name === "backup");
    if (backup?.type !== "run") throw new Error("no backup step");
    const jobDir = join(dir, "job-r2");
    await mkdir(jobDir, { mode: 0o700 });
    await runStep(backup.command, jobDir);
    const { argv } = await recorded("incremental");
    expect(argv).toEqual([
      "incremental",
      "--s3-endpoint-url=http://127.0.0.1:9000",
      "--s3-region-name=fra1",
      "--archive-dir=/var/cache/lifeboat duplicity",
      "--name=boto3_s3___lifeboat-test_duplicity_web-1",
      `--encrypt-key=${keys.fingerprint}`,
      "--gpg-options=--trust-model=always",
      "--exclude=/srv/x'; touch pwned; '",
      "--exclude=/srv/*.tmp",
      ...HOSTILE.map((p) => `--include=${p}`),
      "--exclude=**",
      "/",
      "boto3+s3://lifeboat-test/duplicity/web-1",
    ]);
    await expect(stat(join(dir, "pwned"))).rejects.toThrow();
    await expect(stat(join(jobDir, "pwned"))).rejects.toThrow();
  });

  it("refuses a relative or '..' path, a bad prefix and a run id that is not a name, building nothing", () => {
    const build = (over: { paths?: string[]; prefix?: string; runId?: string }) => () =>
      duplicityJobSpec({
        runId: over.runId ?? "r3",
        settings: { ...settings, paths: over.paths ?? ["/srv"] },
        access: { ...passphraseAccess(), target: { ...target, prefix: over.prefix ?? target.prefix } },
        mode: "full",
        binary: "duplicity",
      });
    expect(build({ paths: ["srv"] })).toThrow(UnsafeNameError);
    expect(build({ paths: ["/srv/../etc"] })).toThrow(UnsafeNameError);
    expect(build({ prefix: "a/../b" })).toThrow(UnsafeNameError);
    expect(build({ runId: "r1/../../x" })).toThrow(UnsafeNameError);
    expect(build({ runId: "$(reboot)" })).toThrow(/run id/);
  });

  it("imports the key into the job's own keyring (0700); duplicity uses it, in UTC, without storage keys in its env", async () => {
    const { spec } = duplicityJobSpec({ runId: "r4", settings, access: gpgAccess(), mode: "full", binary: fake });
    const jobDir = join(dir, "job-r4");
    await mkdir(join(jobDir, "secrets"), { recursive: true, mode: 0o700 });
    await writeFile(join(jobDir, "secrets", "gpg-key"), Buffer.from(keys.publicKeyArmored).toString("base64"), {
      mode: 0o600,
    });
    const step = (name: string) => {
      const s = spec.steps.find((x) => x.type === "run" && x.name === name);
      if (s?.type !== "run") throw new Error(`no ${name} step`);
      return s.command;
    };
    try {
      await runStep(step("keyring"), jobDir);
      expect((await stat(join(jobDir, "gnupg"))).mode & 0o777).toBe(0o700);
      const listed = await exec("gpg", ["--homedir", join(jobDir, "gnupg"), "--with-colons", "--list-keys"]);
      expect(listed.stdout).toContain(keys.fingerprint);
      await runStep(step("backup"), jobDir);
      expect((await recorded("full")).env).toEqual({
        // A short link to the job's keyring (gpg-agent's socket paths must stay under 108 bytes).
        GNUPGHOME: expect.stringMatching(/^\/.{1,60}\/home$/),
        TZ: "UTC",
        PASSPHRASE: "unset",
        AWS: "unset",
      });
      // The user's own keyring is untouched.
      await expect(stat(join(dir, "home", ".gnupg"))).rejects.toThrow();
    } finally {
      await stopGpgAgent(join(jobDir, "gnupg"));
    }
  });

  it("a step run without LIFEBOAT_JOB_DIR fails, saying so, and touches nothing", async () => {
    const { spec } = duplicityJobSpec({
      runId: "r5",
      settings,
      access: passphraseAccess(),
      mode: "full",
      binary: fake,
    });
    const keyring = spec.steps.find((x) => x.type === "run" && x.name === "keyring");
    if (keyring?.type !== "run") throw new Error("no keyring step");
    const error = await runStep(keyring.command, "").catch((e: { stderr: string }) => e);
    expect((error as { stderr: string }).stderr).toContain("the runner gives each command its job directory");
    await expect(stat(join(dir, "gnupg"))).rejects.toThrow();
  });
});

describe("duplicityJob: full or incremental", () => {
  const session = localSession({ name: "web-1" });
  const lastFullStatus =
    "Last full backup date: Thu Nov 26 07:25:34 2026\nFound primary backup chain with matching signature chain:\n";
  const cases = [
    { status: lastFullStatus, fullEverySeconds: 30 * 86_400, mode: "incremental" },
    { status: lastFullStatus, fullEverySeconds: 86_400, mode: "full" },
    {
      status: "Last full backup date: none\nNo backup chains with active signatures found\n",
      fullEverySeconds: 30 * 86_400,
      mode: "full",
    },
  ];
  for (const c of cases) {
    it(`${c.mode} when fullEvery is ${c.fullEverySeconds / 86_400}d and ${c.status.split("\n")[0]}`, async () => {
      await writeFile(join(dir, "status"), c.status);
      const job = await duplicityJob(session, {
        runId: "r6",
        settings: { ...settings, fullEverySeconds: c.fullEverySeconds },
        access: passphraseAccess(),
        now: new Date("2026-11-30T07:00:00Z"),
        binary: fake,
      });
      const mode = job.spec.steps[0];
      expect(mode?.type === "run" && mode.name === "mode" ? mode.command : "").toBe(`printf '%s\\n' ${c.mode}`);
      const backup = job.spec.steps.find((s) => s.type === "run" && s.name === "backup");
      expect(backup?.type === "run" && backup.command).toContain(`duplicity' ${c.mode} `);
      expect(job.credentials).toEqual(credentials);
      // The check read the target through a scratch cache, not the job's (whose lock a running job holds).
      const check = await recorded("collection-status");
      expect(check.argv.find((a) => a.startsWith("--archive-dir="))).toMatch(/^--archive-dir=\/tmp\/.+\/cache$/);
      expect(check.env.PASSPHRASE).toBe(passphrase);
    });
  }
});

describe("duplicityResultFrom", () => {
  const status = `Last full backup date: Thu Nov 26 07:25:34 2026
Found 1 secondary backup chain.
Found primary backup chain with matching signature chain:
Number of contained backup sets: 2
                Full         Thu Nov 26 07:25:34 2026                 1
`;
  const backup = (prefix: string) =>
    `${prefix}--------------[ Backup Statistics ]--------------\nSourceFileSize 4102 (4.01 KB)\nTotalDestinationSizeChange 304 (304 bytes)\nErrors 0\n`;

  it("gives the mode decided, the chains, the last full and the bytes added", () => {
    expect(duplicityResultFrom({ mode: "incremental\n", backup: backup(""), status }, 61.6)).toEqual({
      mode: "incremental",
      chains: 2,
      lastFull: "2026-11-26T07:25:34.000Z",
      bytes: 304,
      durationSeconds: 62,
    });
  });

  it("says which backup duplicity resumed when a killed job had left a partial one", () => {
    const resumed = backup("Last full backup left a partial set, restarting.\nRESTART: Volumes 4 to 4 failed\n");
    expect(duplicityResultFrom({ mode: "incremental\n", backup: resumed, status }, 1).mode).toBe("full");
    const inc = backup("Last inc backup left a partial set, restarting.\n");
    expect(duplicityResultFrom({ mode: "full\n", backup: inc, status }, 1).mode).toBe("incremental");
  });

  it("refuses an output that is not a mode", () => {
    expect(() => duplicityResultFrom({ mode: "", backup: backup(""), status }, 1)).toThrow(/not full or incremental/);
  });
});
