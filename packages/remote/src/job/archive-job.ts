/**
 * The archive job with S3/Spaces storage: the droplet uploads every image and volume straight
 * to the bucket (./archive-spec.ts, carried out by the runner), and finishing checks each
 * object's stored size (HEAD) before the manifest is written, last. The manifest is rebuilt
 * from the job's spec.json and status.json, so finishing may run in another invocation.
 */
import type { JobStart, Plan, StoredArchive } from "@lifeboat/core";
import { archiveSelection } from "../archive-selection";
import { type Compression, detectCompression, extensionOf } from "../compression";
import { PermanentError } from "../errors";
import type { ImageArchive } from "../images";
import { inventory } from "../inventory";
import type { RunStorage } from "../ports";
import { containerSizes, volumeSizes } from "../preview";
import type { Logger, RemoteSession } from "../session";
import type { VolumeArchive } from "../volumes";
import { archiveSpec } from "./archive-spec";
import { clearDebris, jobIdOf, readJobSpec, uploadSteps } from "./droplet-jobs";
import { readJob, removeJob, startJob } from "./lifecycle";
import type { JobCredentials } from "./spec";

export interface ArchiveJobOptions {
  droplet: string;
  runId: string;
  plan: Plan;
  storage: RunStorage;
  /** Storage of an earlier run, to clean what its crashed job left. */
  storageOf?: (runId: string) => RunStorage | undefined;
  credentials?: () => Promise<JobCredentials>;
  compression?: Compression;
  helperImage?: string;
  /** When the run started (ms): the manifest's createdAt. */
  startedAt?: number;
  root?: string;
  log?: Logger;
}

/**
 * Cleans earlier runs' jobs, then starts this run's archive job (or attaches to it).
 * @example await startArchiveJob(session, { droplet: "web-1", runId, plan, storage, credentials })
 */
export async function startArchiveJob(session: RemoteSession, options: ArchiveJobOptions): Promise<JobStart> {
  const direct = options.storage.direct?.();
  // Wiring mistakes a retry cannot fix: said plainly, and not retried.
  if (!direct)
    throw new PermanentError(`the archive job of ${options.droplet} needs storage the droplet can upload to`);
  if (!options.credentials) {
    throw new PermanentError(
      `no storage credentials were given for the archive job of ${options.droplet}: pass archiveCredentials to configuredDropletHosts`,
    );
  }
  const root = options.root !== undefined ? { root: options.root } : {};
  const debris = await clearDebris(session, {
    runId: options.runId,
    ...root,
    ...(options.storageOf ? { storageOf: options.storageOf } : {}),
    ...(options.log ? { log: options.log } : {}),
  });

  const found = await inventory(session);
  const selected = archiveSelection(found, options.plan);
  if (selected.containers.length === 0 && selected.volumes.length === 0) {
    options.log?.(`${options.droplet}: nothing in this plan to archive`);
    return { started: false, nothing: true, debris };
  }
  // Sizes are only for the progress and the ETA: one that cannot be read is left out.
  const [containers, volumes] = await Promise.all([
    selected.containers.length > 0
      ? containerSizes(
          session,
          selected.containers.map((c) => c.id),
        ).catch(() => undefined)
      : undefined,
    selected.volumes.length > 0 ? volumeSizes(session).catch(() => undefined) : undefined,
  ]);
  const spec = archiveSpec({
    runId: options.runId,
    found,
    plan: options.plan,
    compression: options.compression ?? (await detectCompression(session)),
    bucketKey: (kind, fileName) => direct.bucketKey(options.storage.keyOf(kind, fileName)),
    storage: direct.storage,
    ...(options.helperImage ? { helperImage: options.helperImage } : {}),
    sizes: { ...(containers ? { containers } : {}), ...(volumes ? { volumes } : {}) },
  });
  if (!spec) return { started: false, nothing: true, debris };
  const { started } = await startJob(session, { spec, credentials: await options.credentials(), ...root });
  options.log?.(`${options.droplet}: archive job ${spec.jobId} ${started ? "started" : "was already there"}`);
  return { started, ...(spec.expectedBytes !== undefined ? { expectedBytes: spec.expectedBytes } : {}), debris };
}

/**
 * After the job succeeded: every archive is found in storage with the size the job uploaded,
 * then the manifest is written, last, and the job's directory removed. When anything is off,
 * nothing is written and the job stays for `stopJob` to clean.
 */
export async function finishArchiveJob(session: RemoteSession, options: ArchiveJobOptions): Promise<StoredArchive[]> {
  const jobId = jobIdOf(options.runId, "archive");
  const look = await readJob(session, jobId, options.root);
  const state = !look.exists ? "gone from the droplet" : (look.status?.state ?? "without a status");
  if (look.status?.state !== "succeeded") {
    throw new Error(`the archive job of ${options.droplet} is ${state}, not succeeded; no manifest was written`);
  }
  const spec = await readJobSpec(session, jobId, options.root);
  if (!spec) throw new Error(`the archive job of ${options.droplet} has no spec.json; no manifest was written`);

  const results = new Map(look.status.results.map((r) => [r.key, r]));
  const images: ImageArchive[] = [];
  const volumes: VolumeArchive[] = [];
  const problems: string[] = [];
  for (const step of uploadSteps(spec.steps)) {
    const { entry } = step;
    const result = results.get(step.key);
    if (!entry) continue;
    if (!result) {
      problems.push(`${step.name} has no upload result`);
      continue;
    }
    const key = options.storage.keyOf(entry.kind, entry.fileName);
    const stored = await options.storage.sizeOf(key);
    if (stored !== result.bytes) {
      problems.push(
        `${key} ${stored === undefined ? "is missing" : `has ${stored} bytes, the job uploaded ${result.bytes}`}`,
      );
      continue;
    }
    const figures = { key, bytes: result.bytes, sha256: result.sha256 };
    if (entry.kind === "image") {
      const captured = result.facts.capturedImageId;
      images.push({ ...entry.archive, ...(captured ? { capturedImageId: captured } : {}), ...figures });
    } else {
      volumes.push({ ...entry.archive, ...figures });
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `the archive of ${options.droplet} is not complete: ${problems.join("; ")}; no manifest was written`,
    );
  }
  const manifest = await options.storage.writeManifest({
    runId: options.runId,
    plan: options.plan.name,
    droplet: options.droplet,
    createdAt: new Date(options.startedAt ?? Date.now()).toISOString(),
    containers: images,
    volumes,
  });
  // The run is complete now: a directory that will not go is cleaned by the next run (which
  // keeps a succeeded job's objects), never a reason to fail a run whose manifest is written.
  await removeJob(session, jobId, options.root).catch((error: Error) => {
    options.log?.(`${options.droplet}: could not remove job ${jobId}: ${error.message}`);
  });
  return [
    ...images.map((i) => stored("image", i.container, i)),
    ...volumes.map((v) => stored("volume", v.volume, v)),
    stored("manifest", "manifest.json", manifest),
  ];
}

/**
 * Where this run's archives would be, for a job whose spec is gone (the droplet rebooted):
 * each selected container and volume under every file name a compression gives it.
 */
export async function possibleArchiveKeys(session: RemoteSession, options: ArchiveJobOptions): Promise<string[]> {
  const { containers, volumes } = archiveSelection(await inventory(session), options.plan);
  const names = (kind: "image" | "volume", items: Array<{ name: string }>) =>
    items.flatMap((i) =>
      (["zstd", "gzip", "none"] as const).map((c) => options.storage.keyOf(kind, `${i.name}${extensionOf(c)}`)),
    );
  return [...names("image", containers), ...names("volume", volumes)];
}

const stored = (
  kind: StoredArchive["kind"],
  name: string,
  o: { key: string; bytes: number; sha256: string },
): StoredArchive => ({ kind, name, key: o.key, bytes: o.bytes, sha256: o.sha256 });
