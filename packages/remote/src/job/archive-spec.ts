/**
 * The archive job's spec (./spec.ts): what the droplet uploads straight to storage, built from
 * a fresh inventory and the plan's selection (../archive-selection.ts). One `upload` step per
 * image (commit: `docker commit --pause=true`, then `docker save` of that image, which is
 * removed again after; export: `docker export`) and per volume (../volume-tar.ts), each piped
 * to the compressor. Volumes whose running containers are in `stopDuringArchive` sit in a
 * `group` that stops those containers and starts them again, as ../volumes.ts groups them.
 *
 * Every name is checked (../names.ts) and every command built with `sh`/`bash`/`join`
 * (../shell.ts): a hostile name is refused here, before anything reaches the droplet. Each
 * upload carries its manifest entry, so finishing rebuilds the manifest from spec and status.
 */
import type { Plan } from "@lifeboat/core";
import { archiveSelection } from "../archive-selection";
import { type Compression, compressStage, extensionOf } from "../compression";
import type { ContainerInfo, Inventory, VolumeInfo } from "../inventory";
import { containerName, imageRef, volumeName } from "../names";
import { bash, join, type Shell, sh } from "../shell";
import { volumeTarCommand } from "../volume-tar";
import { volumeGroups, volumeOwner } from "../volumes";
import type { JobSpec, JobStep, JobStorage } from "./spec";

/** The fact a commit step records: the id of the committed image (`docker load` brings it back). */
const CAPTURED_IMAGE_FACT = "capturedImageId";

export interface ArchiveSpecInput {
  runId: string;
  /** A fresh inventory, read just before the job starts. */
  found: Inventory;
  plan: Pick<Plan, "containers" | "volumes" | "jobs">;
  compression: Compression;
  /** Where storage keeps an archive file: the bucket key (the store's prefix included). */
  bucketKey: (kind: "image" | "volume", fileName: string) => string;
  storage: JobStorage;
  /** Image that runs `tar`, instead of the plan's `volumes.helperImage`. */
  helperImage?: string;
  /** Cheap sizes read on the droplet (../preview.ts), by container id and by volume name. */
  sizes?: { containers?: ReadonlyMap<string, number>; volumes?: ReadonlyMap<string, number> };
  /** Seconds `docker stop` waits before SIGKILL; default 30. */
  stopTimeoutSeconds?: number;
}

/**
 * The archive job, or undefined when the plan selects nothing on this droplet.
 * @example const spec = archiveSpec({ runId, found: await inventory(session), plan, compression: "zstd", bucketKey, storage });
 */
export function archiveSpec(input: ArchiveSpecInput): JobSpec | undefined {
  const { containers, volumes } = archiveSelection(input.found, input.plan);
  if (containers.length === 0 && volumes.length === 0) return undefined;
  const helper = imageRef(input.helperImage ?? input.plan.volumes.helperImage);

  const steps: JobStep[] = containers.map((c) => imageStep(c, input));
  for (const group of volumeGroups(volumes, input.found.containers, input.plan.containers.stopDuringArchive)) {
    const uploads = group.volumes.map((v) => volumeStep(v, input.found.containers, helper, input));
    if (group.stop.length === 0) {
      steps.push(...uploads);
      continue;
    }
    const names = group.stop.map(containerName);
    steps.push({
      type: "group",
      containers: names,
      stop: sh`docker stop -t ${input.stopTimeoutSeconds ?? 30} ${names}`.text,
      // Once more after a pause: a container may fail once while a dependency comes up.
      start: sh`docker start ${names} >/dev/null || { sleep 3; docker start ${names} >/dev/null; }`.text,
      steps: uploads,
    });
  }

  const sizes = [
    ...containers.map((c) => input.sizes?.containers?.get(c.id)),
    ...volumes.map((v) => input.sizes?.volumes?.get(v.name)),
  ];
  const expectedBytes = sizes.every((s) => s !== undefined) ? sizes.reduce((a, b) => a + b, 0) : undefined;
  const bandwidthLimit = input.plan.jobs.bandwidthLimit?.bytesPerSecond;
  return {
    version: 1,
    jobId: `${input.runId}-archive`,
    kind: "archive",
    runId: input.runId,
    storage: input.storage,
    ...(bandwidthLimit ? { bandwidthLimit } : {}),
    ...(expectedBytes !== undefined ? { expectedBytes } : {}),
    steps,
  };
}

/** `command | compressor`, under bash with pipefail so the producer's failure fails the upload. */
function compressed(command: Shell, compression: Compression): string {
  const stage = compressStage(compression);
  return (stage ? bash(join([command, stage], " | ")) : command).text;
}

function imageStep(container: ContainerInfo, input: ArchiveSpecInput): JobStep {
  const name = containerName(container.name);
  const fileName = `${name}${extensionOf(input.compression)}`;
  const mode: "commit" | "export" = input.plan.containers.capture === "export" ? "export" : "commit";
  const entry = {
    kind: "image" as const,
    fileName,
    archive: {
      container: name,
      image: container.image,
      imageId: container.imageId,
      ...(container.imageDigest ? { imageDigest: container.imageDigest } : {}),
      mode,
      compression: input.compression,
    },
  };
  const step = { type: "upload" as const, name: `image ${name}`, key: input.bucketKey("image", fileName), entry };
  if (mode === "export") {
    return { ...step, command: compressed(sh`docker export ${name}`, input.compression) };
  }
  // The committed image's id reaches the commands as the fact's environment variable, never
  // pasted into them, and is checked to be an image id before docker sees it.
  const isImageId = sh`[[ "\${LIFEBOAT_FACT_capturedImageId:-}" =~ ^sha256:[a-f0-9]{64}$ ]]`;
  const save = sh`${isImageId} || { echo ${`lifeboat: docker commit of ${name} gave no image id`} >&2; exit 1; }
docker save "$LIFEBOAT_FACT_capturedImageId"`;
  return {
    ...step,
    facts: { [CAPTURED_IMAGE_FACT]: sh`docker commit --pause=true ${name}`.text },
    command: compressed(save, input.compression),
    // The committed image was only a vehicle for `save`; leave the droplet as it was.
    finally: [bash(sh`if ${isImageId}; then docker image rm "$LIFEBOAT_FACT_capturedImageId" >/dev/null; fi`).text],
  };
}

function volumeStep(
  volume: VolumeInfo,
  containers: readonly ContainerInfo[],
  helper: string,
  input: ArchiveSpecInput,
): JobStep {
  const name = volumeName(volume.name);
  const fileName = `${name}${extensionOf(input.compression)}`;
  const owner = volumeOwner(volume, containers);
  return {
    type: "upload",
    name: `volume ${name}`,
    key: input.bucketKey("volume", fileName),
    command: compressed(volumeTarCommand(name, helper), input.compression),
    entry: {
      kind: "volume",
      fileName,
      archive: {
        volume: name,
        ...(owner ? { mountPath: owner.destination, container: owner.container, image: owner.image } : {}),
        usedBy: volume.usedBy,
        compression: input.compression,
      },
    },
  };
}
