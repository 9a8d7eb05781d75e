/**
 * Docker volumes to storage, each as a tar of its contents made by a throw-away container
 * (`docker run --rm --log-driver none -v VOL:/data:ro HELPER tar c …`, see ./volume-tar.ts),
 * compressed on the droplet. Containers listed in `stopDuringArchive` are stopped just before their volumes
 * are read and started again right after, in a `finally`, not at the end of the run.
 */
import type { VolumeEntry } from "@lifeboat/core";
import { streamArchive } from "./archive-stream";
import { type Compression, detectCompression, extensionOf } from "./compression";
import { type RestartOptions, type RestartReport, restartContainers, stopContainer } from "./containers";
import type { Failure } from "./images";
import type { ContainerInfo, VolumeInfo } from "./inventory";
import { imageRef, volumeName } from "./names";
import type { ArchiveWriter } from "./ports";
import type { RemoteSession } from "./session";
import { volumeTarCommand } from "./volume-tar";

/** What the manifest lists for a volume: core's `VolumeEntry`. */
export type VolumeArchive = VolumeEntry;

export interface VolumeArchiving {
  stored: VolumeArchive[];
  failed: Failure[];
  /** Containers stopped for the archive; `restarts` says whether they came back. */
  stopped: string[];
  restarts: RestartReport;
}

export interface ArchiveVolumesOptions {
  volumes: readonly VolumeInfo[];
  /** The inventory's containers (to know which are running). */
  containers: readonly ContainerInfo[];
  /** Container names to stop while their volumes are archived. */
  stopDuringArchive?: readonly string[];
  /** Image used to run `tar`: the plan's `volumes.helperImage`. */
  helperImage: string;
  compression?: Compression;
  restart?: RestartOptions;
  /** Seconds `docker stop` waits before SIGKILL; default 30. */
  stopTimeoutSeconds?: number;
}

/**
 * Archives each volume; a failing one is reported and the others continue.
 * @example await archiveVolumes(session, writer, { volumes: inv.volumes, containers: inv.containers, helperImage: plan.volumes.helperImage })
 */
export async function archiveVolumes(
  session: RemoteSession,
  writer: ArchiveWriter,
  options: ArchiveVolumesOptions,
): Promise<VolumeArchiving> {
  const helper = imageRef(options.helperImage);
  for (const v of options.volumes) volumeName(v.name);
  const compression = options.compression ?? (await detectCompression(session));
  const result: VolumeArchiving = {
    stored: [],
    failed: [],
    stopped: [],
    restarts: { restarted: [], failed: [], attempts: {} },
  };

  for (const group of volumeGroups(options.volumes, options.containers, options.stopDuringArchive ?? [])) {
    const stopped: string[] = [];
    try {
      for (const name of group.stop) {
        await stopContainer(session, name, options.stopTimeoutSeconds);
        stopped.push(name);
      }
      for (const volume of group.volumes) {
        try {
          result.stored.push(await archiveOne(session, writer, volume, options.containers, helper, compression));
        } catch (error) {
          result.failed.push({ name: volume.name, error: (error as Error).message });
        }
      }
    } catch (error) {
      for (const volume of group.volumes) result.failed.push({ name: volume.name, error: (error as Error).message });
    } finally {
      if (stopped.length > 0) {
        const report = await restartContainers(session, stopped, options.restart);
        result.stopped.push(...stopped);
        result.restarts.restarted.push(...report.restarted);
        result.restarts.failed.push(...report.failed);
        Object.assign(result.restarts.attempts, report.attempts);
      }
    }
  }
  return result;
}

/**
 * Volumes grouped by the running, stop-listed containers that mount them: each group's
 * containers are stopped once around its volumes (this pull, and the droplet job's spec).
 */
export function volumeGroups(
  volumes: readonly VolumeInfo[],
  containers: readonly ContainerInfo[],
  stopDuringArchive: readonly string[],
): Array<{ stop: string[]; volumes: VolumeInfo[] }> {
  const stopList = new Set(stopDuringArchive);
  const running = new Set(containers.filter((c) => c.running).map((c) => c.name));
  const groups = new Map<string, { stop: string[]; volumes: VolumeInfo[] }>();
  for (const volume of volumes) {
    const stop = [...new Set(volume.usedBy.map((u) => u.container))]
      .filter((c) => stopList.has(c) && running.has(c))
      .sort();
    const key = stop.join("\n");
    const group = groups.get(key) ?? { stop, volumes: [] };
    group.volumes.push(volume);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The container a volume's manifest entry names (mount path, image): the first that mounts it, running ones first. */
export function volumeOwner(volume: VolumeInfo, containers: readonly ContainerInfo[]) {
  const running = new Set(containers.filter((c) => c.running).map((c) => c.name));
  return [...volume.usedBy].sort((a, b) => Number(running.has(b.container)) - Number(running.has(a.container)))[0];
}

async function archiveOne(
  session: RemoteSession,
  writer: ArchiveWriter,
  volume: VolumeInfo,
  containers: readonly ContainerInfo[],
  helper: string,
  compression: Compression,
): Promise<VolumeArchive> {
  const name = volumeName(volume.name);
  const owner = volumeOwner(volume, containers);
  const stored = await streamArchive({
    session,
    command: volumeTarCommand(name, helper),
    compression,
    writer,
    kind: "volume",
    fileName: `${name}${extensionOf(compression)}`,
    what: `archive volume ${name}`,
  });
  return {
    volume: name,
    ...(owner ? { mountPath: owner.destination, container: owner.container, image: owner.image } : {}),
    usedBy: volume.usedBy,
    compression,
    ...stored,
  };
}
