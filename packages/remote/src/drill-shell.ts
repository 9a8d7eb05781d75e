/**
 * The SSH side of a restore drill (core's `DrillShell`): the host key made for one drill, the
 * key lifeboat logs in with, and the checks on the scratch droplet — over the same connect /
 * session / shell code as every other phase, with the host key pinned from what the drill
 * installed (given at runtime, never from the config).
 */
import type { Readable } from "node:stream";
import type {
  ArchiveDownloadUrls,
  DrillCheckResult,
  DrillHostKey,
  DrillShell,
  DrillVolume,
  ScratchAccess,
} from "@lifeboat/core";
import ssh2 from "ssh2";
import { decompressStage } from "./compression";
import { connect, hostKeyFingerprint } from "./connect";
import { restartContainers } from "./containers";
import { stageDownloaded } from "./drill-download";
import { runHooks } from "./hooks";
import { containerName, imageRef, volumeName } from "./names";
import type { Logger, RemoteSession } from "./session";
import { bash, sh } from "./shell";
import { removeStaged, stageVerified } from "./stage";

export interface DrillShellOptions {
  /** lifeboat's SSH private key (from a secret), read when a connection is opened. */
  privateKey: () => Promise<string>;
  username?: string;
  port?: number;
  /** Where an address is reached; default the address itself on `port` (tests map it to a harness sshd). */
  endpoint?: (address: string) => { host: string; port: number } | Promise<{ host: string; port: number }>;
  /**
   * A local store's archive, by its key (`sink.get` of a `local` storage): streamed over the SSH
   * session from this process, the one case the droplet has no URL to download from. Leave it
   * out for S3 or Spaces: the droplet downloads those itself, and no archive byte passes here.
   */
  localArchive?: (key: string) => Promise<Readable>;
  /** Image whose `sh`, `tar` and `find` fill and count the scratch volumes: the plan's `volumes.helperImage`. */
  helperImage: string;
  /** How long a started container must keep running to count as running. Default 5 s. */
  settleMs?: number;
  /** How long `docker stop` gives a container to end before it is killed (before a restore's download). Default 30 s. */
  stopSeconds?: number;
  log?: Logger;
}

/** The scratch volume a drill restores an archive into, beside (never over) the snapshot's own. */
export const drillVolumeName = (volume: string) => volumeName(`lifeboat-drill-${volume}`);

/**
 * @example const shell = drillShell({ privateKey: async () => key, helperImage: "busybox:1.36" });
 */
export function drillShell(options: DrillShellOptions): DrillShell {
  const open = async (access: ScratchAccess, attempts: number): Promise<RemoteSession> => {
    const { host, port } = (await options.endpoint?.(access.address)) ?? {
      host: access.address,
      port: options.port ?? 22,
    };
    return connect({
      host,
      port,
      ...(options.username ? { username: options.username } : {}),
      privateKey: await options.privateKey(),
      hostKey: access.hostKey,
      name: `scratch droplet ${access.address}`,
      attempts,
      readyTimeoutMs: 15_000,
      ...(options.log ? { log: options.log } : {}),
    });
  };
  const within = async <T>(
    access: ScratchAccess,
    work: (session: RemoteSession) => Promise<T>,
    attempts = 3,
  ): Promise<T> => {
    const session = await open(access, attempts);
    try {
      return await work(session);
    } finally {
      session.close();
    }
  };

  return {
    newHostKey: async () => newHostKey(),
    authorizedKey: async () => publicKeyOf(await options.privateKey()),

    answers: async (access) => {
      try {
        // One attempt per look: the drill's bounded wait is the retry.
        await within(access, (s) => s.run(sh`true`, { what: "answer" }), 1);
        return { ok: true, detail: "answered" };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },

    startContainers: (access, names) =>
      within(access, async (session) => {
        const report = await restartContainers(session, names, { attempts: 2, delayMs: 1_000 });
        await new Promise((r) => setTimeout(r, options.settleMs ?? 5_000));
        const results: DrillCheckResult[] = [];
        for (const raw of names) {
          const name = containerName(raw);
          const failed = report.failed.find((f) => f.name === name);
          if (failed) {
            results.push({ name: `container ${name}`, passed: false, detail: `does not start: ${failed.error}` });
            continue;
          }
          const state = await session.run(
            sh`docker inspect -f ${"{{.State.Running}} {{.State.ExitCode}} {{.State.Error}}"} ${name}`,
            { what: `look at ${name}`, check: false },
          );
          const [running, exitCode, ...why] = state.stdout.trim().split(" ");
          results.push(
            running === "true"
              ? { name: `container ${name}`, passed: true, detail: "running" }
              : {
                  name: `container ${name}`,
                  passed: false,
                  detail:
                    state.code === 0
                      ? `started, then stopped (exit code ${exitCode}${why.join(" ") ? `: ${why.join(" ")}` : ""})`
                      : state.stderr.trim(),
                },
          );
        }
        return results;
      }),

    runChecks: (access, checks) =>
      within(access, async (session) =>
        (await runHooks(session, checks, { stopOnFailure: false })).map((r, i): DrillCheckResult => {
          const seconds = checks[i]?.timeoutSeconds ?? 0;
          const said = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" / ");
          return {
            name: `check ${r.command}`,
            passed: r.exitCode === 0,
            detail:
              r.exitCode === 0
                ? `exited 0 in ${(r.durationMs / 1000).toFixed(1)} s`
                : r.timedOut
                  ? `did not finish within ${seconds} s`
                  : `exited ${r.exitCode}${said ? `: ${said}` : ""}`,
          };
        }),
      ),

    stopContainers: (access) =>
      within(access, async (session) => {
        const running = async () =>
          (await session.run(sh`docker ps --format ${"{{.Names}}"}`, { what: "list running containers" })).stdout
            .split("\n")
            .filter(Boolean);
        const names = await running();
        if (names.length > 0) {
          await session.run(sh`docker stop -t ${options.stopSeconds ?? 30} ${names}`, {
            what: "stop the containers",
            check: false,
          });
        }
        const left = await running();
        if (left.length > 0) throw new Error(`still running after docker stop: ${left.join(", ")}`);
        return names;
      }),

    restoreVolumes: (access, volumes, downloads) =>
      within(access, async (session) => {
        const results: DrillCheckResult[] = [];
        for (const volume of volumes) results.push(await restoreOne(session, volume, options, downloads));
        return results;
      }),
  };
}

/** A fresh ed25519 host key in OpenSSH form, and its fingerprint. */
function newHostKey(): DrillHostKey {
  const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment: "lifeboat-drill" });
  const blob = pair.public.split(" ")[1] ?? "";
  return {
    privateKey: pair.private,
    publicKey: pair.public.trim(),
    fingerprint: hostKeyFingerprint(Buffer.from(blob, "base64")),
  };
}

/** "ssh-ed25519 AAAA… lifeboat": the public half of lifeboat's private key. */
function publicKeyOf(privateKey: string): string {
  const parsed = ssh2.utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) {
    throw new Error(`lifeboat's SSH private key cannot be read: ${key instanceof Error ? key.message : "no key"}`);
  }
  return `${key.type} ${key.getPublicSSH().toString("base64")} lifeboat`;
}

/** One archive into a scratch volume: sha256 checked before anything is extracted, files counted. */
async function restoreOne(
  session: RemoteSession,
  entry: DrillVolume,
  options: DrillShellOptions,
  downloads: ArchiveDownloadUrls | undefined,
): Promise<DrillCheckResult> {
  const name = `volume ${entry.volume}`;
  const url = downloads?.byKey[entry.key];
  if (!url && !options.localArchive)
    return { name, passed: false, detail: "no archive store is wired to read it from" };
  const volume = drillVolumeName(entry.volume);
  const helper = imageRef(options.helperImage);
  const what = `archive of ${entry.volume}`;
  let staged: string | undefined;
  try {
    staged = url
      ? await stageDownloaded(session, url, entry.sha256, what, downloads?.withinSeconds ?? 900)
      : await stageVerified(session, await options.localArchive!(entry.key), entry.sha256, what);
    const listed = await session.run(
      bash(sh`${decompressStage(entry.compression)} < ${staged} | tar t | grep -v -x -e ./ -e . | wc -l`),
      { what: `list the archive of ${entry.volume}` },
    );
    await session.run(sh`docker volume rm -f ${volume}`, { what: `clear ${volume}`, check: false });
    await session.run(sh`docker volume create ${volume}`, { what: `create ${volume}` });
    await session.run(
      bash(
        sh`${decompressStage(entry.compression)} < ${staged} | docker run -i --rm --log-driver none --network none -v ${`${volume}:/data`} ${helper} tar x -C /data`,
      ),
      { what: `extract into ${volume}` },
    );
    const found = await session.run(
      sh`docker run --rm --log-driver none --network none -v ${`${volume}:/data:ro`} ${helper} sh -c ${"find /data -mindepth 1 | wc -l"}`,
      { what: `count the files in ${volume}` },
    );
    const inArchive = Number(listed.stdout.trim());
    const inVolume = Number(found.stdout.trim());
    return inArchive === inVolume
      ? { name, passed: true, detail: `sha256 matches the manifest; ${inVolume} files restored into ${volume}` }
      : {
          name,
          passed: false,
          detail: `sha256 matches the manifest, but ${volume} holds ${inVolume} files where the archive lists ${inArchive}`,
        };
  } catch (error) {
    return { name, passed: false, detail: (error as Error).message };
  } finally {
    if (staged) await removeStaged(session, staged);
  }
}
