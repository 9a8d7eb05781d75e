/**
 * duplicity on the droplet: a full backup when `fullEverySeconds` has passed since the last
 * full (or there is none), else an incremental; then `remove-all-but-n-full` (never
 * `remove-older-than`: a cutoff past the newest full breaks the chain); then
 * `collection-status` for the report. Restores a path into a directory on the droplet.
 */
import { absolutePath } from "../names";
import type { RemoteSession } from "../session";
import { join, sh } from "../shell";
import {
  commonArgs,
  type DuplicityCache,
  type DuplicityTarget,
  encryptionArgs,
  privateGnupgHome,
  type S3Credentials,
  secretEnv,
  selectionArgs,
  targetUrl,
} from "./command";
import { type CollectionStatus, parseBackupStatistics, parseCollectionStatus } from "./parse";

export const DUPLICITY_INSTALL = "apt-get install -y --no-install-recommends duplicity python3-boto3 gnupg";

export class DuplicityMissingError extends Error {
  readonly retryable = false;
  constructor(host: string, what: string) {
    super(`${what} is not installed on ${host}; install it there with: ${DUPLICITY_INSTALL}`);
    this.name = "DuplicityMissingError";
  }
}

/** GPG public-key encryption (preferred: the droplet never holds what decrypts), or a passphrase. */
export type BackupEncryption =
  | { type: "gpg"; fingerprint: string; publicKeyArmored: string }
  | { type: "passphrase"; passphrase: string };

/** What decrypts for a restore: the secret key, or the passphrase. */
export type RestoreDecryption =
  | { type: "gpg"; secretKeyArmored: string; passphrase?: string }
  | { type: "passphrase"; passphrase: string };

export interface DuplicityBackupOptions {
  paths: readonly string[];
  exclude?: readonly string[];
  target: DuplicityTarget;
  credentials: S3Credentials;
  encryption: BackupEncryption;
  /** A new full chain when the last full is at least this old. */
  fullEverySeconds: number;
  /** Full chains kept by `remove-all-but-n-full`. */
  keepFull: number;
  cache?: DuplicityCache;
  /** The run's time (from the durable step); default now. */
  now?: Date;
  /** The duplicity binary on the droplet; default "duplicity". */
  binary?: string;
}

export interface DuplicityReport extends CollectionStatus {
  mode: "full" | "incremental";
  /** Bytes this run added to the target. */
  bytes: number;
  sourceBytes: number;
  durationSeconds: number;
}

/** Throws DuplicityMissingError (with the install line) when duplicity or gpg is absent. */
export async function checkDuplicity(session: RemoteSession, binary = "duplicity"): Promise<void> {
  for (const tool of [binary, "gpg"]) {
    const found = await session.run(sh`command -v ${tool}`, { what: `look for ${tool}`, check: false });
    if (found.code !== 0) throw new DuplicityMissingError(session.host, tool);
  }
}

/**
 * Runs one duplicity backup and its retention, returning the figures for `duplicity.completed`.
 * @example await runDuplicity(session, { paths: ["/srv"], target, credentials, encryption, fullEverySeconds: 30 * 86400, keepFull: 2 })
 */
export async function runDuplicity(session: RemoteSession, options: DuplicityBackupOptions): Promise<DuplicityReport> {
  const binary = options.binary ?? "duplicity";
  await checkDuplicity(session, binary);
  const started = Date.now();
  const before = await duplicityStatus(session, options);
  const mode = backupMode(before, options.now ?? new Date(), options.fullEverySeconds);

  const url = targetUrl(options.target);
  const common = commonArgs(options.target, options.cache ?? {});
  const encryption = encryptionArgs(options.encryption);
  const keep = Math.max(1, Math.floor(options.keepFull));
  const script = join(
    [
      privateGnupgHome(),
      sh`${binary} ${mode} ${common} ${encryption} ${selectionArgs(options.paths, options.exclude ?? [])} / ${url}`,
      sh`echo @@lifeboat-status`,
      sh`${binary} remove-all-but-n-full ${keep} --force ${common} ${encryption} ${url} >&2`,
      sh`${binary} collection-status ${common} ${encryption} ${url}`,
    ],
    " && ",
  );
  const secrets = backupSecrets(options);
  const out = await session.run(script, { what: `duplicity ${mode}`, secrets });
  const [backupText = "", statusText = ""] = out.stdout.split("@@lifeboat-status");
  const stats = parseBackupStatistics(backupText);
  const after = parseCollectionStatus(statusText);
  return {
    mode,
    ...after,
    bytes: stats.bytes,
    sourceBytes: stats.sourceBytes,
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
}

/** A full when none is there or the last is at least `fullEverySeconds` old, else an incremental. */
export function backupMode(status: Pick<CollectionStatus, "lastFull">, now: Date, fullEverySeconds: number) {
  const due = !status.lastFull || now.getTime() - Date.parse(status.lastFull) >= fullEverySeconds * 1000;
  return due ? "full" : "incremental";
}

/**
 * Parses `collection-status` of the target: chains and the last full. With `scratchCache`, it
 * reads the target's listing through an empty cache of its own (removed after), so it does not
 * wait on the lock of a duplicity that is running with the real cache (a job on the droplet).
 */
export async function duplicityStatus(
  session: RemoteSession,
  options: Pick<DuplicityBackupOptions, "target" | "credentials" | "encryption" | "cache" | "binary"> & {
    scratchCache?: boolean;
  },
): Promise<CollectionStatus> {
  const binary = options.binary ?? "duplicity";
  const url = targetUrl(options.target);
  const cache = options.scratchCache
    ? [...commonArgs(options.target, { name: "lifeboat-status" }), sh`--archive-dir="$LIFEBOAT_GNUPG/cache"`]
    : commonArgs(options.target, options.cache ?? {});
  const script = join(
    [privateGnupgHome(), sh`${binary} collection-status ${cache} ${encryptionArgs(options.encryption)} ${url}`],
    " && ",
  );
  const out = await session.run(script, { what: "duplicity collection-status", secrets: backupSecrets(options) });
  return parseCollectionStatus(out.stdout);
}

export interface DuplicityRestoreOptions {
  target: DuplicityTarget;
  credentials: S3Credentials;
  decryption: RestoreDecryption;
  /** The absolute path as it was backed up (a directory or file); default: everything. */
  path?: string;
  /** A directory on the droplet that must not exist yet. */
  into: string;
  /** A duplicity time ("3D", "2026-11-01T00:00:00Z"); default the latest. */
  time?: string;
  cache?: DuplicityCache;
  binary?: string;
}

/**
 * Restores `path` from the target into the directory `into` on the droplet.
 * @example await restoreDuplicity(session, { target, credentials, decryption, path: "/srv/app", into: "/root/restored-app" })
 */
export async function restoreDuplicity(session: RemoteSession, options: DuplicityRestoreOptions): Promise<void> {
  const binary = options.binary ?? "duplicity";
  await checkDuplicity(session, binary);
  const into = absolutePath(options.into);
  const select = options.path ? [`--file-to-restore=${absolutePath(options.path).replace(/^\/+/, "")}`] : [];
  if (options.time !== undefined && !/^[A-Za-z0-9:.+-]+$/.test(options.time)) {
    throw new Error(`duplicity time ${JSON.stringify(options.time)} is not a time such as "3D" or an ISO date`);
  }
  const time = options.time ? [`--time=${options.time}`] : [];
  const script = join(
    [
      privateGnupgHome(),
      sh`${binary} restore ${commonArgs(options.target, options.cache ?? {})} ${select} ${time} ${targetUrl(options.target)} ${into}`,
    ],
    " && ",
  );
  const d = options.decryption;
  const secrets =
    d.type === "gpg"
      ? secretEnv(options.credentials, d.passphrase ?? "", d.secretKeyArmored)
      : secretEnv(options.credentials, d.passphrase, "");
  await session.run(script, { what: "duplicity restore", secrets });
}

function backupSecrets(options: Pick<DuplicityBackupOptions, "credentials" | "encryption">) {
  const e = options.encryption;
  return e.type === "gpg"
    ? secretEnv(options.credentials, "", e.publicKeyArmored)
    : secretEnv(options.credentials, e.passphrase, "");
}
