/**
 * `/lifeboat verify` in `backup-run` (functions/backup-dispatch.ts) runs `duplicity verify` of each
 * plan's `verify.duplicityPath` on the droplet through the run's hosts, as the run's verify step and
 * `lifeboat verify` do (#15 §1): its differences are named in `verify.finished`, a droplet without
 * SSH is a named finding, and a plan without the path starts no job. The DigitalOcean side is the
 * sandbox through the real client; the hosts are scripted.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import {
  type DropletHost,
  type EventOf,
  type LifeboatConfigInput,
  type LifeboatEvent,
  type RoutineDeps,
  validateConfig,
} from "@lifeboat/core";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { LocalSink, storeVerifier } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupRunOutput } from "../../../functions/backup-dispatch";
import { scriptedHost } from "../routine/job-host";
import { sandboxClient } from "../routine/world";
import { dispatchRunner } from "./dispatch-runner";

const duplicity = { paths: ["/srv"], encryption: { type: "passphrase" } };
const plan = (name: string, droplet: string, extra: Record<string, unknown>) => ({
  name,
  schedule: "cron(0 3 ? * SUN *)",
  droplets: [{ name: droplet }],
  snapshot: { approval: { required: false } },
  retention: { keepLast: 3 },
  duplicity,
  ...extra,
});
const config = validateConfig({
  plans: [
    // gitlab: its duplicity verify finds two files that differ.
    plan("weekly", "gitlab", { verify: { duplicityPath: "/srv/app" } }),
    // ci: reachable, but its plan sets no duplicityPath, so no job may start there.
    plan("nightly", "ci", { verify: { readData: 0 } }),
    // wiki: its plan wants a duplicity verify, but lifeboat cannot reach it over SSH.
    plan("monthly", "wiki", { verify: { duplicityPath: "/srv/wiki" } }),
  ],
} as LifeboatConfigInput);

/** A host recording each call, whose verify job succeeds at the first poll with `differing`. */
function verifyHost(calls: string[]): DropletHost {
  return {
    ...scriptedHost({}, () => 0),
    duplicityVerify: (path) => {
      calls.push(`verify ${path}`);
      return {
        start: async () => {
          calls.push("start");
          return { started: true, debris: [] };
        },
        poll: async () => {
          calls.push("poll");
          return { state: "succeeded", bytesDone: 0, idleSeconds: 0, elapsedSeconds: 1 };
        },
        finish: async () => {
          calls.push("finish");
          return {
            path,
            compared: 5,
            differences: 1,
            differing: [{ file: "a.txt", how: "content differs" }],
          };
        },
        stop: async (reason) => {
          calls.push(`stop: ${reason}`);
          return { done: [] };
        },
      };
    },
  };
}

describe("functions/backup-dispatch: a VerifyRequest runs duplicity verify on the droplets", () => {
  let dir: string;
  let sandbox: Sandbox;
  let runner: LocalDurableTestRunner<BackupRunOutput>;
  const events: LifeboatEvent[] = [];
  const calls = { gitlab: [] as string[], ci: [] as string[] };
  let pending: NodeJS.Timeout;

  beforeAll(async () => {
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    dir = await mkdtemp(join(tmpdir(), "dispatch-dup-"));
    sandbox = await startSandbox({ startAt: Date.parse("2026-01-04T03:00:00Z") });
    for (const name of ["gitlab", "ci", "wiki"]) sandbox.addDroplet({ name, diskGb: 50, usedDiskGb: 10 });
    const api = sandboxClient(sandbox);
    const hosts = Object.fromEntries(Object.entries(calls).map(([name, c]) => [name, verifyHost(c)]));
    const deps: RoutineDeps = {
      api,
      events: { emit: async (e) => void events.push(e) },
      now: () => sandbox.clock.now(),
      verifyStore: storeVerifier(new LocalSink(join(dir, "store"))),
      // No entry for wiki: as a config without ssh.droplets["wiki"].
      hosts: (droplet) => hosts[droplet.name],
    };
    runner = dispatchRunner(sandbox, config, deps);
    // Lets the runner's fake clock move over skipped waits (see ../routine/world.ts).
    pending = setTimeout(() => undefined, 10 * 365 * 86_400_000);
  });

  afterAll(async () => {
    clearTimeout(pending);
    await sandbox?.close();
    await LocalDurableTestRunner.teardownTestEnvironment();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs a verify of every plan, afresh. */
  const verifyAll = async () => {
    events.length = 0;
    for (const c of Object.values(calls)) c.length = 0;
    return runner.run({
      payload: { kind: "verify", readData: 0, seed: 3, trigger: "slack", runId: "verify-20260104T030000Z-d0d0d0" },
    });
  };

  it("names the droplet's differing file, and the droplet without SSH, in verify.finished", async () => {
    const execution = await verifyAll();
    expect(execution.getResult()).toMatchObject({ passed: false });
    expect(events.map((e) => e.type)).toEqual(["verify.finished"]);
    const finished = events[0] as EventOf<"verify.finished">;
    expect(finished).toMatchObject({ runId: "verify-20260104T030000Z-d0d0d0", plan: "*", passed: false });
    expect(finished.broken?.filter((b) => b.check === "duplicity")).toEqual([
      {
        droplet: "gitlab",
        check: "duplicity",
        item: "verify /srv/app",
        detail: "duplicity verify of /srv/app: 1 file differs from the latest backup: /srv/app/a.txt (content differs)",
      },
      {
        droplet: "wiki",
        check: "duplicity",
        item: "verify /srv/wiki",
        detail: expect.stringContaining(
          'wiki is not reachable over SSH: lifeboat.config.ts has no ssh.droplets["wiki"]',
        ),
      },
    ]);
  });

  it("runs the job on the droplet in durable steps, and starts none for a plan without duplicityPath", async () => {
    const execution = await verifyAll();
    // A replay builds the job again but runs no step of it again.
    expect(new Set(calls.gitlab.filter((c) => c.startsWith("verify ")))).toEqual(new Set(["verify /srv/app"]));
    expect(calls.gitlab.filter((c) => !c.startsWith("verify "))).toEqual(["start", "poll", "finish"]);
    expect(calls.ci).toEqual([]);
    const names = execution.getOperations().map((o) => o.getName());
    expect(names).toContain("verify duplicity start gitlab");
    expect(names).toContain("verify duplicity finish gitlab");
    expect(names.filter((n) => n?.startsWith("verify duplicity") && n.endsWith(" ci"))).toEqual([]);
  });
});
