/**
 * A dry run's look at a droplet: what the archive and duplicity steps would take, and how big,
 * with read-only commands only — the inventory's `docker ps`/`inspect`/`volume ls`,
 * `docker container inspect --size`, `docker system df -v` (volume sizes) and `du` (duplicity
 * paths). Nothing is started, stopped, created, pulled or written. A size that cannot be
 * learned (a command missing, failing or slow) is left out and said so.
 */
import type { HostPreview, Plan } from "@lifeboat/core";
import { archiveSelection } from "./archive-selection";
import { inventory } from "./inventory";
import type { RemoteSession } from "./session";
import { sh } from "./shell";

/** Seconds a size command may take before its sizes are reported unknown. */
const SIZE_TIMEOUT_SECONDS = 30;

/**
 * @example const look = await previewArchives(session, plan); // { containers: [{ name: "gitlab", bytes: 2_400_000_000, … }], … }
 */
export async function previewArchives(session: RemoteSession, plan: Plan): Promise<Omit<HostPreview, "archiveRuns">> {
  const found = await inventory(session);
  const { containers, volumes } = archiveSelection(found, plan);
  const unknown: string[] = [];

  const containerBytes =
    containers.length > 0
      ? await containerSizes(
          session,
          containers.map((c) => c.id),
        ).catch(noted(unknown, "image sizes"))
      : undefined;
  const volumeBytes = volumes.length > 0 ? await volumeSizes(session).catch(noted(unknown, "volume sizes")) : undefined;
  const paths = plan.duplicity?.paths ?? [];
  const pathBytes =
    paths.length > 0 ? await pathSizes(session, paths).catch(noted(unknown, "duplicity path sizes")) : undefined;

  const stopList = new Set(plan.containers.stopDuringArchive);
  const stopped = [
    ...new Set(
      volumes.flatMap((v) =>
        v.usedBy.map((u) => u.container).filter((c) => stopList.has(c) && found.running.includes(c)),
      ),
    ),
  ].sort();
  const withBytes = <T>(item: T, bytes: number | undefined) => (bytes === undefined ? item : { ...item, bytes });
  return {
    containers: containers.map((c) =>
      withBytes({ name: c.name, image: c.image, running: c.running }, containerBytes?.get(c.id)),
    ),
    volumes: volumes.map((v) =>
      withBytes({ name: v.name, usedBy: [...new Set(v.usedBy.map((u) => u.container))] }, volumeBytes?.get(v.name)),
    ),
    stopped,
    duplicityPaths: paths.map((path) => withBytes({ path }, pathBytes?.get(path))),
    unknown,
  };
}

const noted =
  (unknown: string[], what: string) =>
  (error: Error): undefined => {
    unknown.push(`${what}: ${error.message.split("\n")[0]}`);
    return undefined;
  };

/** Each container's whole filesystem (its image and its changes): about what `commit` + `save` or `export` writes, before compression. */
export async function containerSizes(session: RemoteSession, ids: string[]): Promise<Map<string, number>> {
  const { stdout } = await session.run(
    sh`docker container inspect --size --format ${"{{.Id}}\t{{.SizeRootFs}}"} ${ids}`,
    {
      what: "container sizes",
      timeoutMs: SIZE_TIMEOUT_SECONDS * 1000,
    },
  );
  return new Map(
    stdout
      .split("\n")
      .map((l) => l.trim().split("\t"))
      .filter((f): f is [string, string] => f.length === 2 && /^\d+$/.test(f[1] ?? ""))
      .map(([id, size]) => [id, Number(size)]),
  );
}

/** Volume sizes as Docker reports them (`docker system df -v`, decimal units, rounded). */
export async function volumeSizes(session: RemoteSession): Promise<Map<string, number>> {
  const { stdout } = await session.run(sh`docker system df -v --format ${"{{json .Volumes}}"}`, {
    what: "volume sizes",
    timeoutMs: SIZE_TIMEOUT_SECONDS * 1000,
  });
  const volumes = JSON.parse(stdout) as Array<{ Name?: string; Size?: string }> | null;
  const sizes = new Map<string, number>();
  for (const v of volumes ?? []) {
    const bytes = v.Size ? dockerSize(v.Size) : undefined;
    if (v.Name && bytes !== undefined) sizes.set(v.Name, bytes);
  }
  return sizes;
}

/** Disk use of each path (one file system, before duplicity's excludes), from `du -skx`. */
async function pathSizes(session: RemoteSession, paths: string[]): Promise<Map<string, number>> {
  const { stdout, code } = await session.run(sh`timeout ${SIZE_TIMEOUT_SECONDS} du -skx -- ${paths}`, {
    what: "duplicity path sizes",
    check: false,
    timeoutMs: (SIZE_TIMEOUT_SECONDS + 10) * 1000,
  });
  const sizes = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const match = /^(\d+)\t(.+)$/.exec(line);
    if (match && paths.includes(match[2] ?? "")) sizes.set(match[2] ?? "", Number(match[1]) * 1024);
  }
  if (sizes.size === 0 && code !== 0) throw new Error(`du exited ${code}${code === 124 ? " (too slow)" : ""}`);
  return sizes;
}

const UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, PB: 1e15 };

/**
 * Docker's human size ("123.5kB", "1.98GB", "0B") in bytes; undefined for anything else.
 * @example dockerSize("1.5MB") // 1500000
 */
export function dockerSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kKMGTP]?B)$/.exec(text.trim());
  const unit = match ? UNITS[match[2] ?? ""] : undefined;
  return match && unit ? Math.round(Number(match[1]) * unit) : undefined;
}
