/**
 * What an integration suite uses to reach the harness's services, and to skip (with the
 * install line) when one is missing on a laptop. Under CI=true the global setup has already
 * failed the run instead.
 */
import { execFileSync } from "node:child_process";
import { inject } from "vitest";
import type { Harness, ServiceName } from "./global-setup";

export type { Harness };

export function harness(): Harness {
  return inject("harness");
}

/** Why a suite needing `services` must skip here, or undefined when all are up. */
export function missingServices(...services: ServiceName[]): string | undefined {
  const h = harness();
  const reasons = services.map((s) => h.missing[s]).filter((r): r is string => !!r);
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}

/** `docker ARGS…` against the harness's dockerd; its stdout, trimmed. */
export function harnessDocker(...args: string[]): string {
  const env = { ...process.env, DOCKER_HOST: harness().docker!.host };
  return execFileSync("docker", args, { env, encoding: "utf8" }).trim();
}

/** A detached container `name` of `image` with `volume` mounted at /data, running `script` in sh. */
export function runVolumeContainer(o: { name: string; volume: string; image: string; script: string }): void {
  harnessDocker("run", "-d", "--name", o.name, "-v", `${o.volume}:/data`, o.image, "sh", "-c", o.script);
}
