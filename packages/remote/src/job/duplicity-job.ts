/**
 * duplicity as a job on the droplet (./spec.ts): whether this run is a full or an incremental
 * is decided now, with one short `collection-status` over SSH; the backup, the retention
 * (`remove-all-but-n-full`) and the final `collection-status` then run in the detached runner,
 * so a first full of 50 GB outlives the SSH session and the function's invocation.
 *
 * Nothing secret is in the spec. The runner gives each command its job directory as
 * LIFEBOAT_JOB_DIR; the commands read from it:
 *   secrets/gpg-key     the plan's public key (armored, base64), imported into gnupg/ (0700),
 *                       a keyring of this job only, removed with the job's directory
 *   secrets/passphrase  with passphrase encryption only, handed to duplicity as PASSPHRASE by the runner
 * Storage credentials reach duplicity's boto3 through the runner's AWS_CONFIG_FILE, whose
 * credential_process re-reads credentials.json: fresh ones handed over reach a running backup.
 */
import type { DuplicityResult } from "@lifeboat/core";
import type { DuplicityAccess } from "../droplet-host";
import { commonArgs, encryptionArgs, type S3Credentials, selectionArgs, targetUrl } from "../duplicity/command";
import { parseBackupStatistics, parseCollectionStatus } from "../duplicity/parse";
import { backupMode, checkDuplicity, duplicityStatus } from "../duplicity/run";
import { UnsafeNameError } from "../names";
import type { RemoteSession } from "../session";
import { join, type Shell, sh } from "../shell";
import { readJob, readOutput } from "./lifecycle";
import type { JobCredentials, JobSpec, JobStep } from "./spec";

export interface DuplicityJobSettings {
  paths: readonly string[];
  exclude: readonly string[];
  /** A new full chain when the last full is at least this old. */
  fullEverySeconds: number;
  /** Full chains kept by `remove-all-but-n-full`. */
  keepFull: number;
}

export interface DuplicityJobInput {
  runId: string;
  settings: DuplicityJobSettings;
  access: DuplicityAccess;
  /** The run's time (from the durable step), compared with the last full. */
  now: Date;
  /** The duplicity binary on the droplet; default "duplicity". */
  binary?: string;
}

export interface DuplicityJob {
  spec: JobSpec;
  /** File name under `secrets/` → content (the runner's secret files, 0600). */
  secrets: Record<string, string>;
  credentials: JobCredentials;
}

/** The names of the job's `run` steps; each one's stdout is `outputs/<name>`. */
export const DUPLICITY_OUTPUTS = { mode: "mode", backup: "backup", retention: "retention", status: "status" } as const;

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,117}$/; // the job id stays within the runner's 128 characters

/** "<runId>-duplicity", refusing a run id that is not a plain name. */
export function duplicityJobId(runId: string): string {
  if (!RUN_ID.test(runId)) throw new UnsafeNameError("key", runId, 'a run id of letters, digits, ".", "_" and "-"');
  return `${runId}-duplicity`;
}

/**
 * Checks duplicity and gpg are on the droplet, decides full or incremental, and builds the job.
 * Start it with lifecycle's `startJob(session, { spec, secrets, credentials })`.
 * @example const job = await duplicityJob(session, { runId, settings, access, now: new Date() });
 */
export async function duplicityJob(session: RemoteSession, input: DuplicityJobInput): Promise<DuplicityJob> {
  const binary = input.binary ?? "duplicity";
  duplicityJobId(input.runId);
  await checkDuplicity(session, binary);
  // Through a scratch cache: a retried start must not fail on the lock of the job already running.
  const before = await duplicityStatus(session, {
    target: input.access.target,
    credentials: input.access.credentials,
    encryption: input.access.encryption,
    binary,
    scratchCache: true,
  });
  const mode = backupMode(before, input.now, input.settings.fullEverySeconds);
  return {
    ...duplicityJobSpec({ ...input, binary, mode }),
    credentials: jobCredentials(input.access.credentials),
  };
}

/** The job for a decided mode: its spec and secret files (no I/O). */
export function duplicityJobSpec(input: {
  runId: string;
  settings: DuplicityJobSettings;
  access: DuplicityAccess;
  mode: "full" | "incremental";
  binary: string;
}): Omit<DuplicityJob, "credentials"> {
  const { access, settings, binary } = input;
  const url = targetUrl(access.target);
  const common = commonArgs(access.target, access.cache ?? {});
  const encryption = encryptionArgs(access.encryption);
  const keep = Math.max(1, Math.floor(settings.keepFull));
  const select = selectionArgs(settings.paths, settings.exclude);
  const env = access.encryption.type === "passphrase" ? { env: { PASSPHRASE: "passphrase" } } : {};
  const duplicity = (name: string, command: Shell): JobStep => ({
    type: "run",
    name,
    command: withJobGnupg(command).text,
    ...env,
  });

  const steps: JobStep[] = [
    { type: "run", name: DUPLICITY_OUTPUTS.mode, command: sh`printf '%s\\n' ${input.mode}`.text },
    { type: "run", name: "keyring", command: jobKeyring(access.encryption.type === "gpg").text },
    duplicity(DUPLICITY_OUTPUTS.backup, sh`${binary} ${input.mode} ${common} ${encryption} ${select} / ${url}`),
    duplicity(
      DUPLICITY_OUTPUTS.retention,
      sh`${binary} remove-all-but-n-full ${keep} --force ${common} ${encryption} ${url}`,
    ),
    duplicity(DUPLICITY_OUTPUTS.status, sh`${binary} collection-status ${common} ${encryption} ${url}`),
  ];
  const secrets: Record<string, string> =
    access.encryption.type === "gpg"
      ? { "gpg-key": Buffer.from(access.encryption.publicKeyArmored).toString("base64") }
      : { passphrase: access.encryption.passphrase };
  const spec: JobSpec = {
    version: 1,
    jobId: duplicityJobId(input.runId),
    kind: "duplicity",
    runId: input.runId,
    ...jobStorage(access),
    steps,
  };
  return { spec, secrets };
}

// A command fails at once, naming the cause, if the runner did not say where the job is.
const JOB_DIR = sh`: "\${LIFEBOAT_JOB_DIR:?the runner gives each command its job directory}"`;

/** Makes the job's keyring (0700) and imports the public key from its secret file. */
function jobKeyring(importKey: boolean): Shell {
  return join(
    [
      JOB_DIR,
      sh`umask 077`,
      sh`mkdir -p -m 700 "$LIFEBOAT_JOB_DIR/gnupg"`,
      ...(importKey
        ? [
            sh`trap ${'gpgconf --homedir "$LIFEBOAT_JOB_DIR/gnupg" --kill all >/dev/null 2>&1'} EXIT`,
            sh`base64 -d "$LIFEBOAT_JOB_DIR/secrets/gpg-key" | gpg --homedir "$LIFEBOAT_JOB_DIR/gnupg" --batch --quiet --import`,
          ]
        : []),
    ],
    " && ",
  );
}

/**
 * duplicity with the job's keyring and UTC times; a gpg-agent it started is stopped when it ends
 * (also on SIGTERM). GNUPGHOME is a short link to the keyring: gpg-agent puts its sockets in it,
 * and a socket path over 107 bytes (a long $HOME or plan name) makes the agent fail to start.
 */
export function withJobGnupg(command: Shell): Shell {
  return join(
    [
      JOB_DIR,
      sh`mkdir -p -m 700 "$LIFEBOAT_JOB_DIR/gnupg"`,
      sh`LIFEBOAT_GNUPG=$(mktemp -d)`,
      sh`ln -s "$LIFEBOAT_JOB_DIR/gnupg" "$LIFEBOAT_GNUPG/home"`,
      sh`export TZ=UTC GNUPGHOME="$LIFEBOAT_GNUPG/home"`,
      sh`trap ${'gpgconf --kill all >/dev/null 2>&1; rm -rf -- "$LIFEBOAT_GNUPG"'} EXIT`,
      sh`trap ${"exit 143"} HUP TERM INT`,
      command,
    ],
    " && ",
  );
}

/** Credentials as the job's credentials.json holds them. */
export function jobCredentials(credentials: S3Credentials): JobCredentials {
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    ...(credentials.expiration ? { expiration: credentials.expiration } : {}),
  };
}

/**
 * After the job succeeded: the figures for `duplicity.completed`, from its outputs. The time is
 * the job's own, by the droplet's clock (started to its last status write).
 * @example const result = await duplicityJobResult(session, "2026-11-30T02-00-00Z-duplicity");
 */
export async function duplicityJobResult(
  session: RemoteSession,
  jobId: string,
  root?: string,
): Promise<DuplicityResult> {
  const look = await readJob(session, jobId, root);
  const status = look.status;
  if (status?.state !== "succeeded") {
    const state = status?.state ?? (look.exists ? "without a status" : "not there");
    throw new Error(`duplicity job ${jobId} on ${session.host} is ${state}, not succeeded: it has no figures`);
  }
  const output = (name: string) => readOutput(session, jobId, name, root);
  return duplicityResultFrom(
    {
      mode: await output(DUPLICITY_OUTPUTS.mode),
      backup: await output(DUPLICITY_OUTPUTS.backup),
      status: await output(DUPLICITY_OUTPUTS.status),
    },
    Math.max(0, status.updatedAt - status.startedAt),
  );
}

/** The figures from the job's outputs (no I/O). */
export function duplicityResultFrom(
  outputs: { mode: string; backup: string; status: string },
  durationSeconds: number,
): DuplicityResult {
  const decided = outputs.mode.trim();
  if (decided !== "full" && decided !== "incremental") {
    throw new Error(
      `the duplicity job's mode output is ${JSON.stringify(decided.slice(0, 40))}, not full or incremental`,
    );
  }
  // duplicity resumes an interrupted backup first, whatever it was asked (a killed job's full is finished, not restarted).
  const resumed = /^Last (full|inc) backup left a partial set, restarting\.$/m.exec(outputs.backup)?.[1];
  const mode = resumed === "full" ? "full" : resumed === "inc" ? "incremental" : decided;
  const after = parseCollectionStatus(outputs.status);
  return {
    mode,
    chains: after.chains,
    ...(after.lastFull ? { lastFull: after.lastFull } : {}),
    bytes: parseBackupStatistics(outputs.backup).bytes,
    durationSeconds: Math.round(durationSeconds),
  };
}

/** The bucket a duplicity job's credentials are for (none for a target without a region: a local one). */
export function jobStorage(access: DuplicityAccess): Pick<JobSpec, "storage"> {
  const { target } = access;
  if (!target.region) return {};
  return {
    storage: {
      bucket: target.bucket,
      region: target.region,
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    },
  };
}
