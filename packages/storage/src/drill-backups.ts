/**
 * What a drill checks against (core's `DrillBackups`): a droplet's latest complete archive run,
 * read from its manifest — the containers it names (captured images, volume owners) and its
 * volume archives with their sha256 — and, for S3 or Spaces, presigned GET URLs the scratch
 * droplet downloads the archives from itself (a local directory has none: the drill then
 * streams them over SSH).
 */
import type { ArchiveDownloads, DrillBackups } from "@lifeboat/core";
import { listRuns } from "./catalog";
import type { Sink } from "./sink";

/** @example const backups = drillBackups(sink); const latest = await backups.latest("gitlab"); */
export function drillBackups(sink: Sink): DrillBackups {
  const downloads = archiveDownloads(sink);
  return {
    ...(downloads ? { downloads } : {}),
    latest: async (droplet) => {
      const run = (await listRuns(sink, droplet)).runs[0];
      if (!run) return undefined;
      const { containers, volumes } = run.manifest;
      const names = [
        ...containers.map((c) => c.container),
        ...volumes.flatMap((v) => (v.container ? [v.container] : [])),
      ];
      return {
        runId: run.runId,
        containers: [...new Set(names)],
        volumes: volumes.map((v) => ({
          volume: v.volume,
          key: v.key,
          bytes: v.bytes,
          sha256: v.sha256,
          compression: v.compression,
        })),
      };
    },
  };
}

/** Presigned GET URLs of a store the droplet can reach (S3, Spaces); undefined for a local directory. */
export function archiveDownloads(sink: Sink): ArchiveDownloads | undefined {
  const presign = sink.downloadUrl?.bind(sink);
  const target = sink.direct?.();
  if (!presign || !target) return undefined;
  return {
    ports: [storePort(target.endpoint)],
    urls: async (keys, expiresSeconds) => ({
      byKey: Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await presign(k, expiresSeconds)]))),
      withinSeconds: expiresSeconds,
    }),
  };
}

/** The TCP port an endpoint is reached on: AWS S3 (no endpoint) and https 443, http 80, else its own. */
export function storePort(endpoint: string | undefined): number {
  if (!endpoint) return 443;
  const url = new URL(endpoint);
  if (url.port) return Number(url.port);
  return url.protocol === "http:" ? 80 : 443;
}
