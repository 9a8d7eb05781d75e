/**
 * The routine's `DropletHost` port (@lifeboat/core) for one droplet and one run: the phase
 * functions of this package, in the order and with the safety rules of docs/design.md "The
 * routine, step by step". Each method opens its own session and closes it before returning:
 * each runs in its own durable step, possibly in another Lambda invocation than the one before.
 * Archives and duplicity are jobs on the droplet (./job/): started, polled, finished or stopped
 * in short steps; with local storage the archive is pulled in this process (./local-archive.ts).
 */
import type {
  ArchiveRetention,
  DropletHost,
  DuplicityResult,
  HookOutcome,
  Inventory as HostInventory,
  HostPreview,
  HostRun,
  JobKind,
  JobStart,
  StoredArchive,
} from "@lifeboat/core";
import { archiveSelection } from "./archive-selection";
import { type Compression, detectCompression } from "./compression";
import { type RestartOptions, restartContainers } from "./containers";
import type { DuplicityCache, DuplicityTarget, S3Credentials } from "./duplicity/command";
import type { BackupEncryption } from "./duplicity/run";
import { runHooks } from "./hooks";
import { captureImages, type ImageCapture } from "./images";
import { type Inventory, inventory } from "./inventory";
import { type ArchiveJobOptions, finishArchiveJob, possibleArchiveKeys, startArchiveJob } from "./job/archive-job";
import { clearDebris, jobIdOf, pollDropletJob, stopDropletJob } from "./job/droplet-jobs";
import { duplicityJob, duplicityJobResult, jobCredentials } from "./job/duplicity-job";
import { duplicityVerifyJob } from "./job/duplicity-verify-host";
import { removeJob, startJob } from "./job/lifecycle";
import type { JobCredentials } from "./job/spec";
import { finishLocalArchive, pollLocalArchive, startLocalArchive, stopLocalArchive } from "./local-archive";
import type { RunStorage } from "./ports";
import { previewArchives } from "./preview";
import type { Logger, RemoteSession } from "./session";
import { sh } from "./shell";
import { archiveVolumes, type VolumeArchiving } from "./volumes";

/**
 * Opens a session on the droplet. "after boot": the droplet was just powered on, so its sshd
 * may need a minute; the opener waits longer for it.
 */
export type OpenSession = (purpose: "work" | "after boot") => Promise<RemoteSession>;

/** Where and how duplicity writes, resolved only when the duplicity step runs. */
export interface DuplicityAccess {
  target: DuplicityTarget;
  /** Short-lived, limited to the target's prefix; they reach the droplet on stdin only. */
  credentials: S3Credentials;
  encryption: BackupEncryption;
  cache?: DuplicityCache;
}

export interface DropletHostOptions {
  /** The droplet's name: storage keys, messages. */
  droplet: string;
  run: HostRun;
  open: OpenSession;
  storage: RunStorage;
  /** Needed when the plan has `duplicity`. */
  duplicity?: () => Promise<DuplicityAccess>;
  /** Compression on the droplet; default zstd when it has it, else gzip. */
  compression?: Compression;
  /** Image that runs `tar` for volume archives, instead of the plan's `volumes.helperImage`. */
  helperImage?: string;
  restart?: RestartOptions;
  /** The clock duplicity's "is a full due?" compares with (the droplet stamps its backups with real time). Default Date.now. */
  now?: () => number;
  /**
   * Storage credentials for the archive job when the droplet uploads straight to storage
   * (`storage.direct()`): limited to this run's prefix; asked again when they are due to expire.
   */
  archiveCredentials?: () => Promise<JobCredentials>;
  /** Another run's storage on this droplet, to clean what a crashed earlier run's job left. */
  storageOf?: (runId: string) => RunStorage;
  /** Where jobs live on the droplet (an absolute path); default `$HOME/.lifeboat/jobs`. */
  jobRoot?: string;
  log?: Logger;
}

/**
 * The SSH phases of one droplet in one run.
 * @example
 *   const host = sshDropletHost({
 *     droplet: "web-1", run, storage: runStorage(sink, { droplet: "web-1", runId: run.runId, plan: "nightly", policy }),
 *     open: () => connect({ host: "203.0.113.7", privateKey, hostKey: "SHA256:…", name: "web-1" }),
 *   });
 *   const inv = await host.inventory();
 */
export function sshDropletHost(options: DropletHostOptions): DropletHost {
  const { plan } = options.run;
  const now = options.now ?? Date.now;
  const withSession = async <T>(purpose: "work" | "after boot", fn: (s: RemoteSession) => Promise<T>) => {
    const session = await options.open(purpose);
    try {
      return await fn(session);
    } finally {
      session.close();
    }
  };

  const run = options.run;
  const root = options.jobRoot !== undefined ? { root: options.jobRoot } : {};
  const at = { runId: run.runId, droplet: options.droplet };
  const archiveJob: ArchiveJobOptions = {
    droplet: options.droplet,
    runId: run.runId,
    plan,
    storage: options.storage,
    ...root,
    ...(options.storageOf ? { storageOf: options.storageOf } : {}),
    ...(options.archiveCredentials ? { credentials: options.archiveCredentials } : {}),
    ...(options.compression ? { compression: options.compression } : {}),
    ...(options.helperImage ? { helperImage: options.helperImage } : {}),
    ...(run.startedAt !== undefined ? { startedAt: run.startedAt } : {}),
    ...(options.log ? { log: options.log } : {}),
  };

  const startDuplicity = async (): Promise<JobStart> => {
    const settings = plan.duplicity;
    if (!settings) return { started: false, nothing: true, debris: [] };
    if (!options.duplicity) {
      throw new Error(`plan "${plan.name}" has duplicity, but no duplicity target was given for ${options.droplet}`);
    }
    const access = await options.duplicity();
    return withSession("work", async (session) => {
      const debris = await clearDebris(session, {
        runId: run.runId,
        ...root,
        ...(options.storageOf ? { storageOf: options.storageOf } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
      const job = await duplicityJob(session, {
        runId: run.runId,
        settings: {
          paths: settings.paths,
          exclude: settings.exclude,
          fullEverySeconds: settings.fullEvery.seconds,
          keepFull: settings.keepFull,
        },
        access,
        now: new Date(now()),
      });
      const { started } = await startJob(session, { ...job, ...root });
      return {
        started,
        ...(job.spec.expectedBytes !== undefined ? { expectedBytes: job.spec.expectedBytes } : {}),
        debris,
      };
    });
  };

  // Local storage: the pull runs in this process, on a session of its own that stopping closes.
  const startPull = async (): Promise<JobStart> => {
    const session = await options.open("work");
    let found: Inventory;
    try {
      found = await inventory(session);
    } catch (error) {
      session.close();
      throw error;
    }
    const { containers, volumes } = archiveSelection(found, plan);
    if (containers.length === 0 && volumes.length === 0) {
      session.close();
      options.log?.(`${options.droplet}: nothing in this plan to archive`);
      return { started: false, nothing: true, debris: [] };
    }
    const stopList = new Set(plan.containers.stopDuringArchive);
    const stops = [...new Set(volumes.flatMap((v) => v.usedBy.map((u) => u.container)))].filter(
      (c) => stopList.has(c) && found.running.includes(c),
    );
    const start = startLocalArchive({ ...at, storage: options.storage, stops, now }, (storage, onCancel) => {
      onCancel(() => session.close());
      return archive(session, { ...options, storage }, found).finally(() => session.close());
    });
    if (!start.started) session.close();
    return start;
  };

  return {
    // A dry run: read-only commands and a listing of storage, nothing else (./preview.ts).
    preview: async (): Promise<HostPreview> => {
      const look = await withSession("work", (session) => previewArchives(session, plan));
      const runs = await options.storage.runs?.().catch((e: Error) => {
        look.unknown.push(`archive runs in storage: ${e.message}`);
        return undefined;
      });
      return runs ? { ...look, archiveRuns: runs } : look;
    },

    hooks: (stage) =>
      withSession("work", async (session): Promise<HookOutcome[]> => {
        const hooks = plan.hooks[stage].map((h) => ({
          command: h.command,
          timeoutSeconds: h.timeout.seconds,
        }));
        const results = await runHooks(session, hooks);
        for (const r of results) options.log?.(`${options.droplet}: ${stage} hook exited ${r.exitCode}: ${r.command}`);
        return results.map((r) => ({
          command: r.command,
          exitCode: r.exitCode,
          timedOut: r.timedOut,
          stderr: r.stderr.slice(-4096),
          durationMs: r.durationMs,
        }));
      }),

    inventory: () =>
      withSession("work", async (session): Promise<HostInventory> => {
        const found = await inventory(session);
        return {
          containers: found.containers.map((c) => ({
            name: c.name,
            image: c.image,
            running: c.running,
            mounts: c.mounts.map((m) => ({
              source: m.volume ?? m.source ?? "",
              destination: m.destination,
              ...(m.volume ? { volume: m.volume } : {}),
            })),
          })),
        };
      }),

    retainArchives: (): Promise<ArchiveRetention> =>
      options.storage.retain({ protect: [options.run.runId], dryRun: options.run.dryRun }),

    // With storage the droplet can upload to, archives are a job on the droplet; with local
    // storage (the CLI), a pull over SSH in the background of this process (./local-archive.ts).
    startJob: (kind: JobKind): Promise<JobStart> => {
      if (kind === "duplicity") return startDuplicity();
      if (!options.storage.direct) return startPull();
      return withSession("work", (session) => startArchiveJob(session, archiveJob));
    },

    pollJob: async (kind) => {
      if (kind === "archive" && !options.storage.direct) return pollLocalArchive(at);
      const fresh =
        kind === "archive"
          ? options.archiveCredentials
          : options.duplicity
            ? async () => jobCredentials((await options.duplicity!()).credentials)
            : undefined;
      return withSession("work", (session) =>
        pollDropletJob(session, jobIdOf(run.runId, kind), {
          ...root,
          ...(fresh ? { fresh } : {}),
          ...(options.log ? { log: options.log } : {}),
        }),
      );
    },

    finishArchive: async () => {
      if (!options.storage.direct) return finishLocalArchive(at);
      return withSession("work", (session) => finishArchiveJob(session, archiveJob));
    },

    finishDuplicity: () =>
      withSession("work", async (session): Promise<DuplicityResult> => {
        const jobId = jobIdOf(run.runId, "duplicity");
        const result = await duplicityJobResult(session, jobId, options.jobRoot);
        await removeJob(session, jobId, options.jobRoot);
        // Only the event's fields: the result is recorded and emitted as it is.
        return {
          mode: result.mode,
          chains: result.chains,
          ...(result.lastFull ? { lastFull: result.lastFull } : {}),
          bytes: result.bytes,
          durationSeconds: result.durationSeconds,
        };
      }),

    stopJob: async (kind, reason) => {
      options.log?.(`${options.droplet}: stopping the ${kind} job: ${reason}`);
      if (kind === "archive" && !options.storage.direct) {
        const { done, stops } = await stopLocalArchive(at);
        if (stops.length === 0) return { done };
        const report = await withSession("work", (session) => restartContainers(session, stops, options.restart));
        if (report.restarted.length > 0) done.push(`started ${report.restarted.join(", ")} again`);
        if (report.failed.length > 0) done.push(`could not start ${report.failed.map((f) => f.name).join(", ")}`);
        return { done };
      }
      const done = await withSession("work", (session) =>
        stopDropletJob(session, jobIdOf(run.runId, kind), {
          ...root,
          ...(options.log ? { log: options.log } : {}),
          ...(kind === "archive"
            ? {
                storage: options.storage,
                discard: true,
                fallbackKeys: () => possibleArchiveKeys(session, archiveJob),
              }
            : {}),
        }),
      );
      return { done };
    },

    restartContainers: (names) =>
      withSession("after boot", async (session) => {
        const report = await restartContainers(session, names, options.restart);
        return { restarted: report.restarted, failed: report.failed.map((f) => f.name) };
      }),

    duplicityVerify: (path) =>
      duplicityVerifyJob({
        droplet: options.droplet,
        runId: run.runId,
        plan,
        path,
        withSession,
        ...(options.duplicity ? { access: options.duplicity } : {}),
        ...root,
        ...(options.log ? { log: options.log } : {}),
      }),

    checkSsh: async () => {
      try {
        return await withSession("after boot", async (session) => {
          await session.run(sh`true`, { what: "check the droplet answers" });
          return true;
        });
      } catch {
        return false;
      }
    },
  };
}

/**
 * Images and volumes to storage, each with its sha256, then the manifest — only when every
 * selected archive was stored. Anything less is not a run: what was stored is deleted again
 * and the step fails, naming what could not be archived.
 */
async function archive(
  session: RemoteSession,
  options: DropletHostOptions,
  found: Inventory,
): Promise<StoredArchive[]> {
  const { plan, runId } = options.run;
  const { containers, volumes } = archiveSelection(found, plan);
  if (containers.length === 0 && volumes.length === 0) {
    options.log?.(`${options.droplet}: nothing in this plan to archive`);
    return [];
  }

  const stored: string[] = [];
  const writer = {
    putArchive: async (...args: Parameters<RunStorage["putArchive"]>) => {
      const object = await options.storage.putArchive(...args);
      stored.push(object.key);
      return object;
    },
  };
  try {
    const compression = options.compression ?? (await detectCompression(session));
    const images: ImageCapture =
      containers.length > 0 && plan.containers.capture !== "none"
        ? await captureImages(session, writer, { containers, mode: plan.containers.capture, compression })
        : { stored: [], failed: [] };
    const archived: VolumeArchiving =
      volumes.length > 0
        ? await archiveVolumes(session, writer, {
            volumes,
            containers: found.containers,
            stopDuringArchive: plan.containers.stopDuringArchive,
            compression,
            helperImage: options.helperImage ?? plan.volumes.helperImage,
            ...(options.restart ? { restart: options.restart } : {}),
          })
        : { stored: [], failed: [], stopped: [], restarts: { restarted: [], failed: [], attempts: {} } };
    for (const f of archived.restarts.failed) {
      // Not an archive failure: the routine starts every container that ran before again at the end.
      options.log?.(`${options.droplet}: ${f.name} did not start again after its volumes were archived: ${f.error}`);
    }
    const failures = [...images.failed, ...archived.failed];
    if (failures.length > 0) {
      const list = failures.map((f) => `${f.name} (${f.error.slice(0, 300)})`).join("; ");
      throw new Error(`could not archive ${list}; nothing of this run was kept`);
    }
    const manifest = await options.storage.writeManifest({
      runId,
      plan: plan.name,
      droplet: options.droplet,
      createdAt: new Date(options.run.startedAt ?? Date.now()).toISOString(),
      containers: images.stored,
      volumes: archived.stored,
    });
    return [
      ...images.stored.map((i) => entry("image", i.container, i)),
      ...archived.stored.map((v) => entry("volume", v.volume, v)),
      entry("manifest", "manifest.json", manifest),
    ];
  } catch (error) {
    await options.storage.discard(stored).catch((e: Error) => {
      options.log?.(`${options.droplet}: could not delete the incomplete run's objects: ${e.message}`);
    });
    throw error;
  }
}

const entry = (
  kind: StoredArchive["kind"],
  name: string,
  o: { key: string; bytes: number; sha256: string },
): StoredArchive => ({ kind, name, key: o.key, bytes: o.bytes, sha256: o.sha256 });
