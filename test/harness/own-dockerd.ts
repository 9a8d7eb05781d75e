/**
 * A Docker engine of a test's own, for tests that compare everything an engine holds before
 * and after (a dry run creates nothing): on the shared harness engine, suites running at the
 * same time would create and remove their own containers in between.
 */
import { execFileSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { type DockerService, startDockerd, stopDockerd } from "./dockerd";
import { findBinary } from "./process";

export interface OwnDockerd {
  service: DockerService;
  /** `docker ARGS…` against this engine; its stdout, trimmed. */
  docker(...args: string[]): string;
  stop(): Promise<void>;
}

/** Starts an engine under `dir` (its data, sockets and log), with the harness's busybox image. */
export async function startOwnDockerd(dir: string): Promise<OwnDockerd> {
  const dockerd = findBinary("/usr/sbin/dockerd", "/usr/bin/dockerd");
  const busybox = findBinary("/bin/busybox", "/usr/bin/busybox");
  if (!dockerd || !busybox)
    throw new Error("dockerd or busybox not found (the harness's global setup says how to install them)");
  await mkdir(dir, { recursive: true });
  const service = await startDockerd(dir, dockerd, busybox);
  const env = { ...process.env, DOCKER_HOST: service.host };
  return {
    service,
    docker: (...args) => execFileSync("docker", args, { env, encoding: "utf8" }).trim(),
    // Containers killed first: a shutting-down engine gives each its stop timeout.
    stop: async () => {
      const ids = execFileSync("docker", ["ps", "-aq"], { env, encoding: "utf8" }).split("\n").filter(Boolean);
      if (ids.length > 0) execFileSync("docker", ["rm", "-f", ...ids], { env });
      await stopDockerd(service);
    },
  };
}

/** A detached container `name` of `image` with `volume` mounted at /data, running `script` in sh. */
export function runVolumeContainerOn(own: OwnDockerd, o: { name: string; volume: string; script: string }): void {
  own.docker("run", "-d", "--name", o.name, "-v", `${o.volume}:/data`, own.service.baseImage, "sh", "-c", o.script);
}
