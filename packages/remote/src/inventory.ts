/**
 * What runs on the droplet: containers (name, image, image id and digest, state, mounts,
 * labels) and volumes with the containers that mount them. `running` is kept so the routine
 * restarts exactly those after the snapshot.
 */
import { containerName } from "./names";
import type { RemoteSession } from "./session";
import { sh } from "./shell";

export interface Mount {
  type: string;
  /** The volume's name, for `type: "volume"`. */
  volume?: string;
  /** The host path, for bind mounts. */
  source?: string;
  /** Where it is mounted inside the container. */
  destination: string;
  readOnly: boolean;
}

export interface ContainerInfo {
  id: string;
  name: string;
  /** The image as the container was created from it, e.g. "gitlab/gitlab-ce:16.11.0-ce.0". */
  image: string;
  /** The local image id, "sha256:…". */
  imageId: string;
  /** The registry digest ("repo@sha256:…") when the image came from a registry. */
  imageDigest?: string;
  state: string;
  running: boolean;
  mounts: Mount[];
  labels: Record<string, string>;
}

export interface VolumeInfo {
  name: string;
  driver: string;
  /** Containers that mount it, with where. */
  usedBy: Array<{ container: string; image: string; destination: string }>;
}

export interface Inventory {
  containers: ContainerInfo[];
  volumes: VolumeInfo[];
  /** Names of the containers that were running: the ones to start again. */
  running: string[];
}

interface InspectedContainer {
  Id: string;
  Name: string;
  Image: string;
  Config: { Image: string; Labels: Record<string, string> | null };
  State: { Status: string; Running: boolean };
  Mounts: Array<{ Type: string; Name?: string; Source?: string; Destination: string; RW: boolean }> | null;
}

interface InspectedImage {
  Id: string;
  RepoDigests: string[] | null;
}

const HEX_ID = /^[a-f0-9]{64}$/;
const IMAGE_ID = /^sha256:[a-f0-9]{64}$/;

/**
 * Lists containers and volumes on the droplet.
 * @example const { containers, running } = await inventory(session);
 */
export async function inventory(session: RemoteSession): Promise<Inventory> {
  const ids = lines((await session.run(sh`docker ps -aq --no-trunc`, { what: "list containers" })).stdout);
  for (const id of ids) if (!HEX_ID.test(id)) throw new Error(`unexpected container id from docker ps: ${id}`);
  const inspected: InspectedContainer[] =
    ids.length > 0
      ? JSON.parse((await session.run(sh`docker container inspect ${ids}`, { what: "inspect containers" })).stdout)
      : [];

  const imageIds = [...new Set(inspected.map((c) => c.Image))].filter((id) => IMAGE_ID.test(id));
  const images: InspectedImage[] =
    imageIds.length > 0
      ? JSON.parse((await session.run(sh`docker image inspect ${imageIds}`, { what: "inspect images" })).stdout)
      : [];
  const digestOf = new Map(images.map((i) => [i.Id, i.RepoDigests?.[0]]));

  const containers: ContainerInfo[] = inspected.map((c) => {
    const digest = digestOf.get(c.Image);
    return {
      id: c.Id,
      name: containerName(c.Name),
      image: c.Config.Image,
      imageId: c.Image,
      ...(digest ? { imageDigest: digest } : {}),
      state: c.State.Status,
      running: c.State.Running,
      mounts: (c.Mounts ?? []).map((m) => ({
        type: m.Type,
        ...(m.Name ? { volume: m.Name } : {}),
        ...(m.Type === "bind" && m.Source ? { source: m.Source } : {}),
        destination: m.Destination,
        readOnly: !m.RW,
      })),
      labels: c.Config.Labels ?? {},
    };
  });

  const volumeLines = lines(
    (await session.run(sh`docker volume ls --format ${"{{.Name}}\t{{.Driver}}"}`, { what: "list volumes" })).stdout,
  );
  const volumes: VolumeInfo[] = volumeLines.map((line) => {
    const [name = "", driver = ""] = line.split("\t");
    return {
      name,
      driver,
      usedBy: containers.flatMap((c) =>
        c.mounts
          .filter((m) => m.type === "volume" && m.volume === name)
          .map((m) => ({ container: c.name, image: c.image, destination: m.destination })),
      ),
    };
  });

  return { containers, volumes, running: containers.filter((c) => c.running).map((c) => c.name) };
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
