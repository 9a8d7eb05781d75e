/**
 * Vitest global setup for the integration suites: starts real services on 127.0.0.1 from a
 * temporary directory, hands their coordinates to the tests (`inject("harness")`), and
 * stops them by PID afterwards. A missing binary makes its suites skip with the package to
 * install — except under CI=true, where it fails the run.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { type DockerService, startDockerd, stopDockerd } from "./dockerd";
import { createGpgKeys, type GpgKeys, stopGpgAgent } from "./gpg";
import { findBinary, run } from "./process";
import { type S3Service, startS3 } from "./s3";
import { type SshService, startSshd, stopSshd } from "./sshd";

export interface Harness {
  tmp: string;
  /** Service name → why it is missing and how to install it. */
  missing: Partial<Record<ServiceName, string>>;
  ssh?: SshService;
  docker?: DockerService;
  s3?: S3Service;
  duplicity?: { version: string; gpg: GpgKeys };
}

export type ServiceName = "ssh" | "docker" | "s3" | "duplicity";

declare module "vitest" {
  export interface ProvidedContext {
    harness: Harness;
  }
}

const INSTALL = "apt-get install -y --no-install-recommends";

export default async function setup(project: TestProject) {
  const tmp = await mkdtemp(join(tmpdir(), "lifeboat-harness-"));
  const harness: Harness = { tmp, missing: {} };
  const stops: Array<() => Promise<void>> = [];

  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error(`harness teardown: ${e}`));
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  };

  try {
    for (const sub of ["d", "s"]) await mkdir(join(tmp, sub), { recursive: true });
    const dockerd = findBinary("/usr/sbin/dockerd", "/usr/bin/dockerd");
    const busybox = findBinary("/bin/busybox", "/usr/bin/busybox");
    if (dockerd && busybox) {
      harness.docker = await startDockerd(join(tmp, "d"), dockerd, busybox).catch(async (e) => {
        throw new Error(`dockerd failed to start: ${e.message}`);
      });
      const docker = harness.docker;
      stops.push(() => stopDockerd(docker));
    } else {
      harness.missing.docker = `dockerd or busybox not found: ${INSTALL} docker.io busybox-static`;
    }

    const sshd = findBinary("/usr/sbin/sshd");
    if (sshd) {
      const env: Record<string, string> = harness.docker ? { DOCKER_HOST: harness.docker.host } : {};
      harness.ssh = await startSshd(join(tmp, "s"), sshd, env);
      const ssh = harness.ssh;
      stops.push(() => stopSshd(ssh));
    } else {
      harness.missing.ssh = `sshd not found: ${INSTALL} openssh-server openssh-client`;
    }

    const s3 = await startS3(tmp);
    harness.s3 = s3.service;
    stops.push(s3.stop);

    const duplicity = findBinary("/usr/bin/duplicity", "/usr/local/bin/duplicity");
    if (duplicity && findBinary("/usr/bin/gpg")) {
      const version = (await run(duplicity, ["--version"])).trim();
      const gpg = await createGpgKeys(tmp);
      harness.duplicity = { version, gpg };
      stops.push(() => stopGpgAgent(gpg.home));
    } else {
      harness.missing.duplicity = `duplicity not found: ${INSTALL} duplicity python3-boto3 gnupg`;
    }
  } catch (error) {
    await teardown();
    throw error;
  }

  const missing = Object.values(harness.missing);
  if (missing.length > 0) {
    if (process.env.CI === "true") {
      await teardown();
      throw new Error(`CI=true and real services are missing:\n  ${missing.join("\n  ")}`);
    }
    console.warn(`[harness] some integration suites will skip:\n  ${missing.join("\n  ")}`);
  }

  project.provide("harness", harness);
  return teardown;
}
