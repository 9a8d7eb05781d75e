/**
 * The SSH phases of a deployed run: `configuredDropletHosts` (packages/remote) given
 *   - the SSH key from the SSH_PRIVATE_KEY secret (read when a droplet is first reached),
 *   - storage: the archive sink (./archive-sink.ts) as one `runStorage` per droplet and run,
 *   - duplicity: the stack's bucket under `lifeboat/duplicity/<droplet>` (./archive-layout.ts),
 *     credentials from STS limited to that prefix for an hour (@lifeboat/aws assumeDropletRole), and
 *     the plan's encryption (DUPLICITY_PASSPHRASE, or DUPLICITY_GPG_PUBLIC_KEY for `gpg`),
 *   - archiveCredentials: for the archive job that uploads from the droplet straight to the
 *     sink's bucket, credentials from STS limited to that run's directory, upload and abort
 *     only, for an hour (@lifeboat/aws assumeArchiveRole); fresh ones are asked for as they expire.
 * A droplet without an `ssh.droplets` entry gets no host: its SSH phases are reported skipped.
 */
import { assumeArchiveRole, assumeDropletRole, loadSecrets } from "@lifeboat/aws";
import type { DropletHosts, HostRun, LifeboatConfig } from "@lifeboat/core";
import {
  type BackupEncryption,
  type ConfiguredHostsOptions,
  configuredDropletHosts,
  type DuplicityAccess,
  type DuplicityTarget,
  type Logger,
  type S3Credentials,
} from "@lifeboat/remote";
import { runPrefix, runStorageFor, type Sink } from "@lifeboat/storage";
import { duplicityPrefix } from "./archive-layout";

export interface DeployedHostsOptions {
  /** Where archives go (functions/archive-sink.ts `deployedArchiveSink`). */
  sink: Sink;
  /** Default: @lifeboat/aws loadSecrets (SST secrets, or the environment locally). */
  secrets?: <const N extends string>(names: readonly N[]) => Promise<Record<N, string>>;
  /** Default: STS AssumeRole of LIFEBOAT_DROPLET_ROLE_ARN, limited to the target's prefix. */
  credentials?: (droplet: string, target: DuplicityTarget) => Promise<S3Credentials>;
  /** Default: STS AssumeRole of LIFEBOAT_DROPLET_ROLE_ARN, limited to the run's directory in the sink's bucket. */
  archiveCredentials?: ConfiguredHostsOptions["archiveCredentials"];
  /** An S3-compatible endpoint for duplicity (tests); deployed, it is AWS S3. */
  duplicityEndpoint?: string;
  env?: Readonly<Record<string, string | undefined>>;
  log?: Logger;
  host?: ConfiguredHostsOptions["host"];
}

/**
 * The archive job's credentials: the droplet role, narrowed by STS to the run's directory in
 * the sink's bucket (`<prefix>runs/<droplet>/<runId>/`), upload and abort only, for an hour.
 * The role reaches the stack's bucket under `lifeboat/runs/` (stacks/Backups.ts).
 */
export function stsArchiveCredentials(
  sink: Sink,
  sts: { roleArn: string; region?: string; endpoint?: string },
): NonNullable<ConfiguredHostsOptions["archiveCredentials"]> {
  return async (droplet, run) => {
    const target = sink.direct?.();
    if (!target) throw new Error(`the archive job on ${droplet} uploads to S3; ${sink.location} is not a bucket`);
    if (target.endpoint) {
      throw new Error(
        `the droplet role's credentials reach AWS S3 only, not ${target.endpoint}; deployed, keep archives in the stack's bucket (storage: { type: "local" } in lifeboat.config.ts puts them there)`,
      );
    }
    return assumeArchiveRole({
      ...sts,
      bucket: target.bucket,
      runPrefix: `${target.prefix}${runPrefix(droplet, run.runId)}`,
      droplet,
    });
  };
}

export function deployedDropletHosts(config: LifeboatConfig, options: DeployedHostsOptions): DropletHosts {
  const env = options.env ?? process.env;
  const secrets = options.secrets ?? loadSecrets;
  const required = (name: string, fix: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set; ${fix}`);
    return value;
  };
  const credentials =
    options.credentials ??
    ((droplet: string, target: DuplicityTarget) =>
      assumeDropletRole({
        roleArn: required("LIFEBOAT_DROPLET_ROLE_ARN", "deploy with the Backups stack (it creates the droplet role)"),
        bucket: target.bucket,
        prefix: target.prefix,
        droplet,
        ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      }));

  const archiveCredentials =
    options.archiveCredentials ??
    ((droplet: string, run: HostRun) =>
      stsArchiveCredentials(options.sink, {
        roleArn: required("LIFEBOAT_DROPLET_ROLE_ARN", "deploy with the Backups stack (it creates the droplet role)"),
        ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      })(droplet, run));

  const encryptionOf = async (run: HostRun): Promise<BackupEncryption> => {
    const e = run.plan.duplicity?.encryption;
    if (e?.type === "gpg") {
      const { DUPLICITY_GPG_PUBLIC_KEY } = await secrets(["DUPLICITY_GPG_PUBLIC_KEY"]);
      return { type: "gpg", fingerprint: e.keyFingerprint, publicKeyArmored: DUPLICITY_GPG_PUBLIC_KEY };
    }
    const { DUPLICITY_PASSPHRASE } = await secrets(["DUPLICITY_PASSPHRASE"]);
    return { type: "passphrase", passphrase: DUPLICITY_PASSPHRASE };
  };

  return configuredDropletHosts(config, {
    privateKey: async () => (await secrets(["SSH_PRIVATE_KEY"])).SSH_PRIVATE_KEY,
    storage: runStorageFor(options.sink),
    duplicity: async (droplet, run): Promise<DuplicityAccess> => {
      const target: DuplicityTarget = {
        bucket: required("LIFEBOAT_BUCKET", "deploy with the Storage stack"),
        prefix: duplicityPrefix(droplet),
        ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
        ...(options.duplicityEndpoint ? { endpoint: options.duplicityEndpoint } : {}),
      };
      return { target, credentials: await credentials(droplet, target), encryption: await encryptionOf(run) };
    },
    archiveCredentials,
    ...(options.log ? { log: options.log } : {}),
    ...(options.host ? { host: options.host } : {}),
  });
}
