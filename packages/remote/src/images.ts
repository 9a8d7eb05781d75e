/**
 * Container images to storage: `commit` (the container's current filesystem as an image,
 * then `docker save`, which `docker load` restores with the same image id) or `export` (a
 * flat filesystem tar). Compressed on the droplet and streamed; nothing is buffered.
 */
import type { ContainerEntry } from "@lifeboat/core";
import { streamArchive } from "./archive-stream";
import { type Compression, detectCompression, extensionOf } from "./compression";
import type { ContainerInfo } from "./inventory";
import { containerName, imageRef } from "./names";
import type { ArchiveWriter } from "./ports";
import type { RemoteSession } from "./session";
import { sh } from "./shell";

/** What the manifest lists for an image: core's `ContainerEntry`. */
export type ImageArchive = ContainerEntry;

export interface Failure {
  name: string;
  error: string;
}

export interface ImageCapture {
  stored: ImageArchive[];
  failed: Failure[];
}

export interface CaptureImagesOptions {
  containers: readonly ContainerInfo[];
  mode: "commit" | "export";
  /** Default: zstd when the droplet has it, else gzip. */
  compression?: Compression;
}

/**
 * Captures each container's image; one failing does not stop the others (it is reported).
 * @example await captureImages(session, writer, { containers: inv.containers, mode: "commit" })
 */
export async function captureImages(
  session: RemoteSession,
  writer: ArchiveWriter,
  options: CaptureImagesOptions,
): Promise<ImageCapture> {
  const compression = options.compression ?? (await detectCompression(session));
  const result: ImageCapture = { stored: [], failed: [] };
  for (const container of options.containers) {
    try {
      result.stored.push(await captureOne(session, writer, container, options.mode, compression));
    } catch (error) {
      result.failed.push({ name: container.name, error: (error as Error).message });
    }
  }
  return result;
}

async function captureOne(
  session: RemoteSession,
  writer: ArchiveWriter,
  container: ContainerInfo,
  mode: "commit" | "export",
  compression: Compression,
): Promise<ImageArchive> {
  const name = containerName(container.name);
  const fileName = `${name}${extensionOf(compression)}`;
  const base = {
    container: name,
    image: container.image,
    imageId: container.imageId,
    ...(container.imageDigest ? { imageDigest: container.imageDigest } : {}),
    mode,
    compression,
  };
  const stream = { session, writer, compression, kind: "image", fileName } as const;
  if (mode === "export") {
    const stored = await streamArchive({
      ...stream,
      command: sh`docker export ${name}`,
      what: `export ${name}`,
    });
    return { ...base, ...stored };
  }
  const committed = await session.run(sh`docker commit --pause=true ${name}`, { what: `commit ${name}` });
  const imageId = imageRef(committed.stdout.trim());
  try {
    const stored = await streamArchive({ ...stream, command: sh`docker save ${imageId}`, what: `save ${name}` });
    return { ...base, capturedImageId: imageId, ...stored };
  } finally {
    // The committed image was only a vehicle for `save`; leave the droplet as it was.
    await session.run(sh`docker image rm ${imageId}`, { what: `remove committed image of ${name}`, check: false });
  }
}
