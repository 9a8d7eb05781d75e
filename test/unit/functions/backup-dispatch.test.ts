/**
 * `backup-run`'s dispatch (functions/backup-dispatch.ts) under the local durable runner: a
 * VerifyRequest runs verify in durable steps (one per droplet) and ends in `verify.finished`
 * naming what is broken; a RunRequest still runs the plan. The DigitalOcean side is the
 * sandbox through the real client; the store a local one with one archive missing.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import {
  type EventOf,
  type LifeboatEvent,
  type RoutineDeps,
  type VerifyRunResult,
  validateConfig,
} from "@lifeboat/core";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { LocalSink, runWriter, storeVerifier, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupRunOutput } from "../../../functions/backup-dispatch";
import { planInput, sandboxClient, seedGitlab } from "../routine/world";
import { dispatchRunner } from "./dispatch-runner";

describe("functions/backup-dispatch: what backup-run does with its input", () => {
  let dir: string;
  let sandbox: Sandbox;
  let runner: LocalDurableTestRunner<BackupRunOutput>;
  let missingKey: string;
  const events: LifeboatEvent[] = [];
  let pending: NodeJS.Timeout;

  beforeAll(async () => {
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    dir = await mkdtemp(join(tmpdir(), "dispatch-"));
    await mkdir(join(dir, "tree"));
    await writeFile(join(dir, "tree", "a.txt"), "kept\n");
    const tar = gzipSync(execFileSync("tar", ["c", "-C", join(dir, "tree"), "."]));
    const sink = new LocalSink(join(dir, "store"));
    const writer = runWriter(sink, { droplet: "gitlab", runId: "weekly-earlier" });
    const data = await writer.putArchive("volume", "data.tar.gz", Readable.from([tar]));
    const logs = await writer.putArchive("volume", "logs.tar.gz", Readable.from([tar]));
    await writeManifest(sink, {
      runId: "weekly-earlier",
      plan: "weekly",
      droplet: "gitlab",
      createdAt: "2026-01-03T03:00:00.000Z",
      containers: [],
      volumes: [
        { volume: "data", usedBy: [], compression: "gzip", ...data },
        { volume: "logs", usedBy: [], compression: "gzip", ...logs },
      ],
    });
    missingKey = logs.key;
    await sink.delete(logs.key);

    sandbox = await startSandbox({ startAt: Date.parse("2026-01-04T03:00:00Z") });
    seedGitlab(sandbox);
    const api = sandboxClient(sandbox);
    const deps: RoutineDeps = {
      api,
      events: { emit: async (e) => void events.push(e) },
      now: () => sandbox.clock.now(),
      verifyStore: storeVerifier(sink),
    };
    const config = validateConfig(planInput());
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

  it("a VerifyRequest verifies in a durable step per droplet and ends in verify.finished naming the broken item", async () => {
    events.length = 0;
    const execution = await runner.run({
      payload: {
        kind: "verify",
        target: "weekly",
        readData: 1,
        seed: 7,
        trigger: "slack",
        requestedBy: "U0OUTSIDER",
        runId: "verify-20260104T030000Z-abcdef",
      },
    });
    const result = execution.getResult() as VerifyRunResult;
    expect(result).toMatchObject({ verifyId: "verify-20260104T030000Z-abcdef", plan: "weekly", passed: false });
    expect(result.report?.findings.map((f) => [f.check, f.ok])).toEqual([
      ["object", false],
      ["manifest", false],
      ["data", true],
      ["snapshot", true],
    ]);
    const names = execution.getOperations().map((o) => o.getName());
    expect(names).toContain("verify gitlab");
    // A verify is no run: nothing of a run's happened.
    expect(events.map((e) => e.type)).toEqual(["verify.finished"]);
    const finished = events[0] as EventOf<"verify.finished">;
    expect(finished).toMatchObject({
      runId: "verify-20260104T030000Z-abcdef",
      plan: "weekly",
      droplet: "*",
      origin: "request",
      target: "weekly",
      passed: false,
      droplets: 1,
      checks: 4,
      brokenCount: 2,
      readData: 1,
      seed: 7,
      trigger: "slack",
      requestedBy: "U0OUTSIDER",
    });
    expect(finished.broken).toEqual([
      { droplet: "gitlab", check: "object", item: missingKey, detail: "missing from the store" },
      {
        droplet: "gitlab",
        check: "manifest",
        item: "runs/gitlab/weekly-earlier/manifest.json",
        detail: expect.stringContaining("1 of 2 archives"),
      },
    ]);
  });

  it("a target that is neither a plan nor a droplet ends in verify.finished saying so, filed under no plan", async () => {
    events.length = 0;
    const execution = await runner.run({
      payload: {
        kind: "verify",
        target: "nope",
        readData: 0,
        trigger: "slack",
        runId: "verify-20260104T030000Z-000000",
      },
    });
    expect(execution.getResult()).toMatchObject({ plan: "*", passed: false, error: expect.stringContaining('"nope"') });
    expect(events).toEqual([
      expect.objectContaining({
        type: "verify.finished",
        plan: "*",
        passed: false,
        droplets: 0,
        checks: 0,
        error: expect.stringContaining('"nope" is neither a plan (weekly) nor a droplet'),
      }),
    ]);
  });

  it("a RunRequest still runs the plan, and its verify-less run emits no verify.finished", async () => {
    events.length = 0;
    const execution = await runner.run({
      payload: { plan: "weekly", trigger: "schedule", scheduledTime: "2026-01-04T03:00:00Z" },
    });
    expect(execution.getResult()).toMatchObject({ plan: "weekly", outcome: "succeeded" });
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("run.started");
    expect(types.at(-1)).toBe("run.finished");
    expect(types).not.toContain("verify.finished");
  });
});
