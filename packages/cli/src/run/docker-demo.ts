/**
 * The SSH half of `npm start`'s demo (#17 §4): when a Docker engine answers on this machine
 * (DOCKER_HOST or the default socket), a small container with a volume stands in for an app on
 * the sample droplet `ssh`, which the demo reaches with `transport: "local"` — the same
 * commands a real droplet gets over SSH, through a local shell. The run captures the
 * container's image and archives its volume with a manifest into the config's local storage;
 * the container, its volume and nothing else of the demo's are removed afterwards.
 *
 * The image is `volumes.helperImage`'s default (busybox:1.36, ~2 MB: a first run pulls it),
 * or LIFEBOAT_DEMO_IMAGE, for a machine that reaches no registry.
 */
import { execFile } from "node:child_process";
import { relative, resolve } from "node:path";
import { DEFAULT_VOLUME_HELPER_IMAGE, type LifeboatConfig, type Plan } from "@lifeboat/core";
import { listRuns, type Sink } from "@lifeboat/storage";

export const DEMO_DROPLET = "ssh";
export const DEMO_CONTAINER = "lifeboat-demo-app";
export const DEMO_VOLUME = "lifeboat-demo-data";

export const demoImage = (env: NodeJS.ProcessEnv = process.env) =>
  env.LIFEBOAT_DEMO_IMAGE || DEFAULT_VOLUME_HELPER_IMAGE;

type Outcome = { ok: true } | { ok: false; reason: string };

/** Runs `docker …` (DOCKER_HOST etc. from this environment); the first line of its error when it fails. */
function docker(args: string[], timeoutMs: number): Promise<Outcome & { stdout?: string }> {
  return new Promise((resolve) => {
    execFile("docker", args, { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, stdout });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return resolve({ ok: false, reason: "the docker command is not installed" });
      if (error.killed)
        return resolve({ ok: false, reason: `docker ${args[0]} took longer than ${timeoutMs / 1000} s` });
      const line = (stderr || error.message).split("\n").find((l) => l.trim()) ?? "docker failed";
      resolve({ ok: false, reason: line.trim() });
    });
  });
}

/** Whether a Docker engine answers, in at most 5 s. */
export async function dockerAnswers(): Promise<Outcome> {
  const info = await docker(["info", "--format", "{{.ServerVersion}}"], 5_000);
  return info.ok ? { ok: true } : { ok: false, reason: info.reason };
}

/** The demo's container and volume, fresh (leftovers of a killed demo removed first). */
export async function createDemoApp(image: string): Promise<Outcome> {
  await removeDemoApp();
  const volume = await docker(["volume", "create", DEMO_VOLUME], 15_000);
  if (!volume.ok) return volume;
  // A first run pulls the image (a few MB) here.
  return docker(
    [
      "run",
      "--detach",
      "--name",
      DEMO_CONTAINER,
      "--volume",
      `${DEMO_VOLUME}:/data`,
      image,
      "sh",
      "-c",
      'echo "written by the lifeboat demo" > /data/hello.txt && exec sleep 600',
    ],
    120_000,
  );
}

/** Removes the demo's container and volume, whatever state they are in. */
export async function removeDemoApp(): Promise<void> {
  await docker(["rm", "--force", "--volumes", DEMO_CONTAINER], 30_000);
  await docker(["volume", "rm", "--force", DEMO_VOLUME], 30_000);
}

/**
 * The config the demo runs: the droplet `ssh` reached through the local shell, and the demo
 * plan archiving only the demo container's image and volume (with the demo image as helper).
 */
export function demoConfig(config: LifeboatConfig, plan: Plan, image: string): LifeboatConfig {
  return {
    ...config,
    plans: config.plans.map((p) =>
      p.name !== plan.name
        ? p
        : {
            ...p,
            // Every sample droplet at once: the SSH half then runs beside the longest snapshot, not after it.
            concurrency: Math.max(p.concurrency, 3),
            containers: {
              ...p.containers,
              include: [DEMO_CONTAINER],
              exclude: [],
              capture: "commit",
              stopDuringArchive: [],
            },
            volumes: { include: [DEMO_VOLUME], exclude: [], helperImage: image },
            duplicity: undefined,
            hooks: { pre: [], post: [] },
          },
    ),
    ssh: { ...config.ssh, droplets: { ...config.ssh.droplets, [DEMO_DROPLET]: { transport: "local" } } },
  };
}

/** The archive runs of the demo droplet now, by id: to tell the demo's own run from earlier ones. */
export async function demoRunIds(sink: Sink): Promise<Set<string>> {
  return new Set((await listRuns(sink, DEMO_DROPLET)).runs.map((r) => r.runId));
}

/** What the demo's run stored, from its manifest, and how to restore it; undefined when it stored nothing. */
export async function demoReport(
  sink: Sink,
  directory: string,
  before: Set<string>,
  image: string,
): Promise<string | undefined> {
  const run = (await listRuns(sink, DEMO_DROPLET)).runs.find((r) => !before.has(r.runId));
  if (!run) return undefined;
  // As the user would type it from here: relative below the working directory, else absolute.
  const where = (key: string) => {
    const path = resolve(directory, key);
    const rel = relative(process.cwd(), path);
    return rel.startsWith("..") ? path : rel;
  };
  const m = run.manifest;
  const lines = [
    `Archived from droplet ${DEMO_DROPLET} (Docker on this machine, transport "local"), manifest ${where(run.manifestKey)}:`,
  ];
  for (const c of m.containers) {
    lines.push(
      `  image   ${c.container} (${c.image}, ${c.mode}): ${where(c.key)}, ${c.bytes} bytes, sha256 ${c.sha256.slice(0, 12)}…`,
    );
  }
  for (const v of m.volumes) {
    const at = v.container ? ` at ${v.mountPath} in ${v.container} (${v.image})` : "";
    lines.push(`  volume  ${v.volume}${at}: ${where(v.key)}, ${v.bytes} bytes, sha256 ${v.sha256.slice(0, 12)}…`);
  }
  const volume = m.volumes[0];
  if (volume) {
    const unpack = { zstd: "zstd -dc", gzip: "gzip -dc", none: "cat" }[volume.compression];
    const into = `${volume.volume}-restored`;
    lines.push(
      "Restore the volume (the demo's container and volume are gone; this brings the data back):",
      `  docker volume create ${into} && ${unpack} ${where(volume.key)} | docker run -i --rm -v ${into}:/data ${image} tar x -C /data`,
    );
  }
  lines.push(`See it again: npm run lifeboat -- list ${DEMO_DROPLET}`);
  return lines.join("\n");
}
