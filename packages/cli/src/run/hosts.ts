/**
 * The SSH phases of a run on this machine: `configuredDropletHosts` from @lifeboat/remote,
 * with the SSH key from SSH_PRIVATE_KEY (its text) or SSH_PRIVATE_KEY_FILE (its path),
 * archives in the config's storage, and duplicity (only with S3/Spaces storage) under
 * `<prefix>duplicity/<droplet>` with the credentials of this environment
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN) and the plan's encryption
 * (DUPLICITY_PASSPHRASE, or DUPLICITY_GPG_PUBLIC_KEY_FILE for `gpg`). With S3/Spaces storage
 * the archive job uploads from the droplet straight to the bucket: with LIFEBOAT_DROPLET_ROLE_ARN
 * set, with that role narrowed by STS to the run's directory; otherwise with the same
 * credentials as duplicity (`archiveCredentialsFor`).
 *
 * Against a sandbox, a droplet's made-up public address is never dialled: only droplets whose
 * `ssh.droplets` entry gives an `address`, or `transport: "local"`, get SSH phases there.
 */
import { readFileSync } from "node:fs";
import { assumeArchiveRole } from "@lifeboat/aws";
import type { Droplet, DropletHosts, HostRun, LifeboatConfig } from "@lifeboat/core";
import {
  type BackupEncryption,
  type ConfiguredHostsOptions,
  configuredDropletHosts,
  type DuplicityAccess,
} from "@lifeboat/remote";
import { runPrefix, runStorageFor, type Sink } from "@lifeboat/storage";
import { duplicityTarget } from "../duplicity-target";
import type { Environment } from "../environment";

export type HostsEnv = Readonly<Record<string, string | undefined>>;

function secretFrom(env: HostsEnv, name: string): string | undefined {
  if (env[name]) return env[name];
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new Error(`${name}_FILE ${file} cannot be read`);
  }
}

function need(env: HostsEnv, name: string, why: string): string {
  const value = secretFrom(env, name);
  if (!value) throw new Error(`set ${name} (or ${name}_FILE) ${why}`);
  return value;
}

/**
 * The archive job's storage credentials, when `sink` is a bucket (undefined for local storage:
 * the CLI pulls the archives over SSH itself).
 * - LIFEBOAT_DROPLET_ROLE_ARN set: that role (one this environment may assume, allowing
 *   s3:PutObject, s3:AbortMultipartUpload and s3:ListMultipartUploadParts on `<prefix>runs/*`)
 *   narrowed by STS to the run's directory, for an hour, refreshed as they expire.
 * - Otherwise the credentials duplicity gets: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 *   AWS_SESSION_TOKEN (AWS_CREDENTIAL_EXPIRATION, when set, says when they stop working).
 *   Acceptable because it is the user's own run, from their machine, to a droplet they
 *   already administer over SSH: the keys travel on stdin into a 0600 `credentials.json` in
 *   the job's 0700 directory, never in argv, and the file is removed with the job.
 */
export function archiveCredentialsFor(sink: Sink, env: HostsEnv): ConfiguredHostsOptions["archiveCredentials"] {
  const target = sink.direct?.();
  if (!target) return undefined;
  return async (droplet, run) => {
    const roleArn = env.LIFEBOAT_DROPLET_ROLE_ARN;
    if (roleArn) {
      if (target.endpoint) {
        throw new Error(
          `LIFEBOAT_DROPLET_ROLE_ARN is set, but STS credentials reach AWS S3 only, not ${target.endpoint}; unset it to give the archive job your own keys for it`,
        );
      }
      return assumeArchiveRole({
        roleArn,
        bucket: target.bucket,
        runPrefix: `${target.prefix}${runPrefix(droplet, run.runId)}`,
        droplet,
        region: env.AWS_REGION ?? target.region,
        ...(env.AWS_ENDPOINT_URL_STS ? { endpoint: env.AWS_ENDPOINT_URL_STS } : {}),
      });
    }
    const why = "for the archive job's uploads to S3 (or set LIFEBOAT_DROPLET_ROLE_ARN)";
    const expiration = env.AWS_CREDENTIAL_EXPIRATION;
    if (expiration && Number.isNaN(Date.parse(expiration))) {
      throw new Error(`AWS_CREDENTIAL_EXPIRATION ${expiration} is not a time; give it as ISO-8601 or unset it`);
    }
    return {
      accessKeyId: need(env, "AWS_ACCESS_KEY_ID", why),
      secretAccessKey: need(env, "AWS_SECRET_ACCESS_KEY", why),
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      ...(expiration ? { expiration: new Date(expiration).toISOString() } : {}),
    };
  };
}

export function cliDropletHosts(
  config: LifeboatConfig,
  sink: Sink,
  target: Environment["target"],
  env: HostsEnv = process.env,
): DropletHosts {
  const archiveCredentials = archiveCredentialsFor(sink, env);
  const hosts = configuredDropletHosts(config, {
    privateKey: async () => need(env, "SSH_PRIVATE_KEY", "to reach droplets over SSH"),
    storage: runStorageFor(sink),
    ...(archiveCredentials ? { archiveCredentials } : {}),
    duplicity: async (droplet: string, run: HostRun): Promise<DuplicityAccess> => {
      const storage = config.storage;
      if (storage.type !== "s3") {
        throw new Error('duplicity writes to S3 or Spaces: set storage to { type: "s3", … } in lifeboat.config.ts');
      }
      const encryption: BackupEncryption =
        run.plan.duplicity?.encryption.type === "gpg"
          ? {
              type: "gpg",
              fingerprint: run.plan.duplicity.encryption.keyFingerprint,
              publicKeyArmored: need(env, "DUPLICITY_GPG_PUBLIC_KEY", "for the plan's gpg encryption"),
            }
          : {
              type: "passphrase",
              passphrase: need(env, "DUPLICITY_PASSPHRASE", "for the plan's duplicity encryption"),
            };
      return {
        target: duplicityTarget(storage, droplet),
        credentials: {
          accessKeyId: need(env, "AWS_ACCESS_KEY_ID", "for duplicity's S3 target"),
          secretAccessKey: need(env, "AWS_SECRET_ACCESS_KEY", "for duplicity's S3 target"),
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        },
        encryption,
      };
    },
  });
  if (target === "digitalocean") return hosts;
  return (droplet: Droplet, run: HostRun) => {
    const entry = config.ssh.droplets[droplet.name];
    if (!entry || entry.address || entry.transport === "local") return hosts(droplet, run);
    return {
      skipped: `${droplet.name} is a sandbox droplet, whose public IP is made up and never dialled; set ssh.droplets["${droplet.name}"].address to reach it over SSH`,
    };
  };
}
