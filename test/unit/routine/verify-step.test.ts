/**
 * A plan's `verify` step (#15): after the droplets, in durable steps, its report in the run's
 * result; a missing archive is named there and the backup's own outcome stands.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { LocalSink, runWriter, storeVerifier, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planInput, seedGitlab, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

describe("routine: the plan's verify step", () => {
  let dir: string;
  let sink: LocalSink;
  let keys: { data: string; logs: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "verify-step-"));
    await mkdir(join(dir, "tree"));
    await writeFile(join(dir, "tree", "a.txt"), "kept\n");
    const tar = gzipSync(execFileSync("tar", ["c", "-C", join(dir, "tree"), "."]));
    sink = new LocalSink(join(dir, "store"));
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
    keys = { data: data.key, logs: logs.key };
    await sink.delete(keys.logs);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("runs after the droplets: the snapshot just taken holds, the missing archive is named, the run still succeeded", async () => {
    const world = await makeWorld({
      config: planInput({}, { verify: { readData: 1 } }),
      verifyStore: storeVerifier(sink),
    });
    seedGitlab(world.sandbox);
    const execution = await world.run();
    const result = execution.getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(result.verify).toMatchObject({ ok: false, readData: 1, seed: expect.any(Number) });
    const findings = result.verify!.findings.map((f) => [f.check, f.item, f.ok, f.detail]);
    expect(findings).toEqual([
      ["object", keys.logs, false, "missing from the store"],
      ["manifest", "runs/gitlab/weekly-earlier/manifest.json", false, expect.stringContaining("1 of 2 archives")],
      ["data", keys.data, true, expect.stringMatching(/^sha256 matches \(\d+ bytes\), a tar of 2 entries$/)],
      ["snapshot", expect.stringMatching(/^lifeboat-weekly-gitlab-20260104T03/), true, expect.any(String)],
    ]);
    // In durable steps of their own, before run.finished's.
    const names = execution.getOperations().map((o) => o.getName());
    expect(names.indexOf("verify gitlab")).toBeGreaterThan(-1);
    expect(names.indexOf("verify gitlab")).toBeLessThan(names.indexOf("event run finished"));
    // Its result goes out as verify.finished, so the run's thread and the CLI show it.
    const finished = world.events.filter((e) => e.type === "verify.finished");
    expect(finished).toEqual([
      expect.objectContaining({
        runId: result.runId,
        plan: "weekly",
        droplet: "*",
        origin: "run",
        target: "weekly",
        passed: false,
        droplets: 1,
        checks: 4,
        brokenCount: 2,
        readData: 1,
        seed: result.verify!.seed,
        broken: [
          { droplet: "gitlab", check: "object", item: keys.logs, detail: "missing from the store" },
          expect.objectContaining({ check: "manifest", item: "runs/gitlab/weekly-earlier/manifest.json" }),
        ],
      }),
    ]);
    expect(world.events.at(-1)?.type).toBe("run.finished");
  });

  it("not run without the plan's verify, nor in a dry run", async () => {
    const world = await makeWorld({ verifyStore: storeVerifier(sink) });
    seedGitlab(world.sandbox);
    expect((await world.run()).getResult()!.verify).toBeUndefined();
    const dry = await makeWorld({
      config: planInput({}, { verify: { readData: 1 } }),
      verifyStore: storeVerifier(sink),
    });
    seedGitlab(dry.sandbox);
    expect((await dry.run({ dryRun: true })).getResult()!.verify).toBeUndefined();
    expect(dry.events.map((e) => e.type)).not.toContain("verify.finished");
  });
});
