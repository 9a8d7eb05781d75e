/**
 * From lifeboat.config.ts to the routine's `DropletHosts`: which droplets have SSH phases
 * (those with an `ssh.droplets.<name>` entry), how each is reached (SSH with its pinned host
 * key, or the local shell), and the storage and duplicity access the caller provides.
 * Used by functions/backup-run.ts and the CLI alike.
 */
import type { Droplet, DropletHosts, HostRun, LifeboatConfig, SshConfig } from "@lifeboat/core";
import { connect } from "./connect";
import { type DropletHostOptions, type DuplicityAccess, type OpenSession, sshDropletHost } from "./droplet-host";
import { PermanentError } from "./errors";
import type { JobCredentials } from "./job/spec";
import { localSession } from "./local-transport";
import type { RunStorage } from "./ports";
import type { Logger } from "./session";

export interface ConnectionOptions {
  /** The SSH private key, read only when a connection is opened (from a secret). */
  privateKey: () => Promise<string>;
  /** Environment for local commands (`transport: "local"`), e.g. DOCKER_HOST. */
  localEnv?: Readonly<Record<string, string>>;
  log?: Logger;
}

/**
 * How to open a session on `droplet`, or undefined when the config has no entry for it.
 * @example const open = dropletConnection(config.ssh, droplet, { privateKey: async () => key }); const s = await open?.("work");
 */
export function dropletConnection(
  ssh: SshConfig,
  droplet: Pick<Droplet, "name" | "publicIpv4">,
  options: ConnectionOptions,
): OpenSession | undefined {
  const entry = ssh.droplets[droplet.name];
  if (!entry) return undefined;
  const name = droplet.name;
  if (entry.transport === "local") {
    return async () =>
      localSession({
        name,
        ...(options.localEnv ? { env: options.localEnv } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
  }
  return async (purpose) => {
    const host = entry.address ?? droplet.publicIpv4;
    if (!host)
      throw new PermanentError(`${name} has no public IPv4; set ssh.droplets["${name}"].address in lifeboat.config.ts`);
    if (!entry.hostKey) throw new PermanentError(`ssh.droplets["${name}"].hostKey is not set in lifeboat.config.ts`);
    return connect({
      host,
      port: ssh.port,
      username: ssh.user,
      privateKey: await options.privateKey(),
      hostKey: entry.hostKey,
      name,
      // Just powered on: sshd may need a minute to answer.
      ...(purpose === "after boot" ? { attempts: 12, retryDelayMs: 5_000 } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  };
}

export interface ConfiguredHostsOptions extends ConnectionOptions {
  /** Storage for one droplet's run (e.g. @lifeboat/storage `runStorage(sink, …)`). */
  storage: (droplet: string, run: HostRun) => RunStorage;
  /** duplicity's target, credentials and encryption for a droplet, asked for only when its duplicity step runs. */
  duplicity?: (droplet: string, run: HostRun) => Promise<DuplicityAccess>;
  /**
   * Storage credentials for a droplet's archive job when it uploads straight to storage
   * (deployed: the droplet role narrowed to that run's prefix, 1 h), asked for again before they expire.
   */
  archiveCredentials?: (droplet: string, run: HostRun) => Promise<JobCredentials>;
  host?: Pick<DropletHostOptions, "compression" | "helperImage" | "restart" | "now" | "jobRoot">;
}

/**
 * The routine's hosts from the config: undefined for a droplet without an `ssh.droplets` entry.
 * @example
 *   const hosts = configuredDropletHosts(config, {
 *     privateKey: async () => process.env.SSH_PRIVATE_KEY ?? "",
 *     storage: (droplet, run) => runStorage(sink, { droplet, runId: run.runId, plan: run.plan.name, policy: run.plan.retention }),
 *   });
 *   await runPlan(ctx, { api, events, hosts }, config, request);
 */
export function configuredDropletHosts(config: LifeboatConfig, options: ConfiguredHostsOptions): DropletHosts {
  return (droplet, run) => {
    const open = dropletConnection(config.ssh, droplet, options);
    if (!open) return undefined;
    const { duplicity, archiveCredentials } = options;
    return sshDropletHost({
      droplet: droplet.name,
      run,
      open,
      storage: options.storage(droplet.name, run),
      // An earlier run's storage, to clean what its crashed job left on this droplet.
      storageOf: (runId) => options.storage(droplet.name, { ...run, runId }),
      ...(duplicity ? { duplicity: () => duplicity(droplet.name, run) } : {}),
      ...(archiveCredentials ? { archiveCredentials: () => archiveCredentials(droplet.name, run) } : {}),
      ...options.host,
      ...(options.log ? { log: options.log } : {}),
    });
  };
}
