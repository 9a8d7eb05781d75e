/**
 * The duplicity command lines: one target URL, one cache, one selection of paths, and the
 * encryption arguments. Credentials and keys are never here: they reach the droplet on stdin
 * (see ../shell.ts withSecrets) and a private GNUPGHOME is made and removed around each run.
 */
import { absolutePath, UnsafeNameError } from "../names";
import { join, type Shell, sh } from "../shell";

export interface DuplicityTarget {
  bucket: string;
  /** Key prefix inside the bucket, e.g. "duplicity/web-1". */
  prefix: string;
  /** For DigitalOcean Spaces or another S3-compatible endpoint. */
  endpoint?: string;
  region?: string;
}

/** Short-lived credentials limited to the target prefix (the stacks create the role). */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** ISO-8601, when known (STS): a job on the droplet is handed fresh ones before then. */
  expiration?: string;
}

/** Where duplicity keeps its local metadata cache on the droplet; one `name` per target. */
export interface DuplicityCache {
  archiveDir?: string;
  name?: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

export function targetUrl(target: DuplicityTarget): string {
  if (!BUCKET.test(target.bucket)) throw new UnsafeNameError("key", target.bucket, "an S3 bucket name");
  const prefix = target.prefix.replace(/^\/+|\/+$/g, "");
  if (!PREFIX.test(prefix) || prefix.split("/").includes("..")) {
    throw new UnsafeNameError("key", target.prefix, 'a key prefix of letters, digits, ".", "_", "-" and "/"');
  }
  return `boto3+s3://${target.bucket}/${prefix}`;
}

/** Arguments every duplicity action of this target shares (endpoint, region, cache). */
export function commonArgs(target: DuplicityTarget, cache: DuplicityCache): string[] {
  const args: string[] = [];
  if (target.endpoint) {
    if (!/^https?:\/\/[A-Za-z0-9.:[\]-]+\/?$/.test(target.endpoint)) {
      throw new UnsafeNameError(
        "key",
        target.endpoint,
        'an endpoint URL such as "https://fra1.digitaloceanspaces.com"',
      );
    }
    args.push(`--s3-endpoint-url=${target.endpoint}`);
  }
  if (target.region) args.push(`--s3-region-name=${target.region}`);
  if (cache.archiveDir) args.push(`--archive-dir=${absolutePath(cache.archiveDir)}`);
  args.push(`--name=${cacheName(cache.name ?? targetUrl(target))}`);
  return args;
}

const cacheName = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, "_");

/** Selection from "/": excludes first (first match wins), then includes, then everything else out. */
export function selectionArgs(paths: readonly string[], exclude: readonly string[]): string[] {
  return [
    ...exclude.map((p) => `--exclude=${absolutePath(p)}`),
    ...paths.map((p) => `--include=${absolutePath(p)}`),
    "--exclude=**",
  ];
}

const FINGERPRINT = /^[0-9A-F]{40}$/;

/** To a GPG public key (imported into the run's private keyring), or nothing for a passphrase (symmetric). */
export function encryptionArgs(encryption: { type: "gpg"; fingerprint: string } | { type: "passphrase" }): string[] {
  if (encryption.type === "passphrase") return [];
  if (!FINGERPRINT.test(encryption.fingerprint)) {
    throw new Error("the GPG key fingerprint must be 40 upper-case hex characters");
  }
  // The key was just imported into a private keyring: trust it for this run only.
  return [`--encrypt-key=${encryption.fingerprint}`, "--gpg-options=--trust-model=always"];
}

/**
 * The script prologue that imports the key sent as LIFEBOAT_GPG_KEY (base64) into a private
 * GNUPGHOME, removed (and its agent stopped) when the script exits.
 */
export function privateGnupgHome(): Shell {
  return join(
    [
      sh`export TZ=UTC`,
      sh`LIFEBOAT_GNUPG=$(mktemp -d)`,
      sh`export GNUPGHOME="$LIFEBOAT_GNUPG"`,
      sh`trap ${'gpgconf --homedir "$LIFEBOAT_GNUPG" --kill all >/dev/null 2>&1; rm -rf "$LIFEBOAT_GNUPG"'} EXIT`,
      sh`trap ${"exit 129"} HUP TERM INT`,
      sh`{ [ -z "$LIFEBOAT_GPG_KEY" ] || printf %s "$LIFEBOAT_GPG_KEY" | base64 -d | gpg --batch --quiet --import 2>/dev/null; }`,
      sh`unset LIFEBOAT_GPG_KEY`,
    ],
    " && ",
  );
}

/** The environment handed over stdin: S3 credentials, PASSPHRASE and the key (base64). */
export function secretEnv(credentials: S3Credentials, passphrase: string, armoredKey: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    // duplicity asks for a passphrase even to restore with a key that has none: empty is an answer.
    PASSPHRASE: passphrase,
    LIFEBOAT_GPG_KEY: Buffer.from(armoredKey).toString("base64"),
  };
}
