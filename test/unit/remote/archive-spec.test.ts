/**
 * The archive job's spec: what reaches the droplet. Its commands are run here under bash with a
 * fake `docker` on PATH that records its argv, so quoting, facts and groups are checked by
 * what a shell really does with them, not by reading the text.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type Plan, validateConfig } from "@lifeboat/core";
import { UnsafeNameError } from "@lifeboat/remote";
import { afterAll, describe, expect, it } from "vitest";
import type { ContainerInfo, Inventory } from "../../../packages/remote/src/inventory";
import { type ArchiveSpecInput, archiveSpec } from "../../../packages/remote/src/job/archive-spec";
import type { JobStep } from "../../../packages/remote/src/job/spec";

const IMAGE_ID = `sha256:${"ab".repeat(32)}`;

function planWith(plan: Record<string, unknown>): Plan {
  const config = validateConfig({
    plans: [
      {
        name: "nightly",
        schedule: "cron(0 3 * * ? *)",
        droplets: [{ name: "web-1" }],
        snapshot: { approval: { required: false } },
        ...plan,
      },
    ],
  });
  return config.plans[0]!;
}

const container = (name: string, running: boolean, volumes: string[] = []): ContainerInfo => ({
  id: `${name}-id`,
  name,
  image: `${name}:1`,
  imageId: `sha256:${"cd".repeat(32)}`,
  state: running ? "running" : "exited",
  running,
  mounts: volumes.map((v) => ({ type: "volume", volume: v, destination: `/srv/${v}`, readOnly: false })),
  labels: {},
});

function inventoryOf(containers: ContainerInfo[], extraVolumes: string[] = []): Inventory {
  const names = [...new Set([...containers.flatMap((c) => c.mounts.map((m) => m.volume ?? "")), ...extraVolumes])];
  return {
    containers,
    volumes: names.map((name) => ({
      name,
      driver: "local",
      usedBy: containers.flatMap((c) =>
        c.mounts
          .filter((m) => m.volume === name)
          .map((m) => ({ container: c.name, image: c.image, destination: m.destination })),
      ),
    })),
    running: containers.filter((c) => c.running).map((c) => c.name),
  };
}

const input = (found: Inventory, plan: Plan, more: Partial<ArchiveSpecInput> = {}): ArchiveSpecInput => ({
  runId: "run-1",
  found,
  plan,
  compression: "gzip",
  bucketKey: (kind, fileName) => `prefix/runs/web-1/run-1/${kind}s/${fileName}`,
  storage: { bucket: "b", region: "us-east-1" },
  ...more,
});

const uploads = (steps: JobStep[]): Extract<JobStep, { type: "upload" }>[] =>
  steps.flatMap((s) => (s.type === "upload" ? [s] : s.type === "group" ? uploads(s.steps) : []));

// A fake docker: records each call's argv (one line per argument, a blank line after), and
// writes "saved <id>" for `save`, so a test sees exactly what a shell passed to it.
const bin = mkdtempSync(join(tmpdir(), "lifeboat-archive-spec-"));
const calls = join(bin, "calls");
writeFileSync(
  join(bin, "docker"),
  `#!/bin/bash\nfor a in "$@"; do printf '%s\\n' "$a" >> ${JSON.stringify(calls)}; done\necho >> ${JSON.stringify(calls)}\nif [ "$1" = save ]; then printf 'saved %s' "$2"; fi\n`,
);
chmodSync(join(bin, "docker"), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** Runs a spec command as the runner does (bash), with facts as LIFEBOAT_FACT_* variables. */
function run(command: string, facts: Record<string, string> = {}) {
  rmSync(calls, { force: true });
  const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH}`, HOME: bin };
  for (const [k, v] of Object.entries(facts)) env[`LIFEBOAT_FACT_${k}`] = v;
  const out = spawnSync("bash", ["-c", command], { env, cwd: bin });
  const argv = existsSync(calls)
    ? readFileSync(calls, "utf8")
        .split("\n\n")
        .filter(Boolean)
        .map((c) => c.split("\n"))
    : [];
  return { code: out.status, stdout: out.stdout, stderr: out.stderr.toString(), argv };
}

describe("archive job spec", () => {
  const plan = planWith({
    containers: { capture: "commit", stopDuringArchive: ["db", "idle"] },
    volumes: { include: ["*"] },
    jobs: { bandwidthLimit: "20MB/s" },
  });
  const found = inventoryOf([
    container("web", true, ["web-data"]),
    container("db", true, ["db-data", "shared"]),
    container("idle", false, ["idle-data"]),
  ]);

  it("is nothing when the plan selects nothing", () => {
    const none = planWith({ containers: { capture: "none" }, volumes: { include: ["nothing-*"] } });
    expect(archiveSpec(input(found, none))).toBeUndefined();
  });

  it("names the job after the run, carries storage and the bandwidth cap, and keys from storage", () => {
    const spec = archiveSpec(input(found, plan))!;
    expect(spec).toMatchObject({
      version: 1,
      jobId: "run-1-archive",
      kind: "archive",
      runId: "run-1",
      storage: { bucket: "b", region: "us-east-1" },
      bandwidthLimit: 20 * 1024 ** 2,
    });
    expect(uploads(spec.steps).map((u) => [u.name, u.key])).toEqual([
      ["image web", "prefix/runs/web-1/run-1/images/web.tar.gz"],
      ["image db", "prefix/runs/web-1/run-1/images/db.tar.gz"],
      ["image idle", "prefix/runs/web-1/run-1/images/idle.tar.gz"],
      ["volume web-data", "prefix/runs/web-1/run-1/volumes/web-data.tar.gz"],
      ["volume idle-data", "prefix/runs/web-1/run-1/volumes/idle-data.tar.gz"],
      ["volume db-data", "prefix/runs/web-1/run-1/volumes/db-data.tar.gz"],
      ["volume shared", "prefix/runs/web-1/run-1/volumes/shared.tar.gz"],
    ]);
  });

  it("groups the volumes of running stop-listed containers, stopping and starting exactly them", () => {
    const spec = archiveSpec(input(found, plan, { stopTimeoutSeconds: 7 }))!;
    const groups = spec.steps.filter((s) => s.type === "group");
    expect(groups).toHaveLength(1);
    const group = groups[0]!;
    expect(group.containers).toEqual(["db"]);
    expect(uploads(group.steps).map((u) => u.name)).toEqual(["volume db-data", "volume shared"]);
    // "idle" is stop-listed but not running: nothing to stop, its volume is not in a group.
    expect(run(group.stop).argv).toEqual([["stop", "-t", "7", "db"]]);
    expect(run(group.start)).toMatchObject({ code: 0, argv: [["start", "db"]] });
  });

  it("commits, saves the committed image by its fact, and removes it after", () => {
    const web = uploads(archiveSpec(input(found, plan))!.steps)[0]!;
    expect(run(web.facts!.capturedImageId!).argv).toEqual([["commit", "--pause=true", "web"]]);

    const saved = run(web.command, { capturedImageId: IMAGE_ID });
    expect(saved.code).toBe(0);
    expect(saved.argv).toEqual([["save", IMAGE_ID]]);
    expect(gunzipSync(saved.stdout).toString()).toBe(`saved ${IMAGE_ID}`);
    expect(run(web.finally![0]!, { capturedImageId: IMAGE_ID }).argv).toEqual([["image", "rm", IMAGE_ID]]);
  });

  it("refuses a fact that is not an image id: docker never sees it and nothing it says runs", () => {
    const web = uploads(archiveSpec(input(found, plan))!.steps)[0]!;
    for (const hostile of ["$(touch pwned)", "-q", `${IMAGE_ID}; touch pwned`, ""]) {
      const saved = run(web.command, { capturedImageId: hostile });
      expect(saved.code).not.toBe(0);
      expect(saved.stderr).toContain("docker commit of web gave no image id");
      expect(run(web.finally![0]!, { capturedImageId: hostile })).toMatchObject({ code: 0, argv: [] });
      expect(existsSync(join(bin, "pwned"))).toBe(false);
    }
  });

  it("exports instead of committing when the plan says so", () => {
    const exporting = planWith({ containers: { capture: "export" } });
    const web = uploads(archiveSpec(input(inventoryOf([container("web", true)]), exporting))!.steps)[0]!;
    expect(web.facts).toBeUndefined();
    expect(web.finally).toBeUndefined();
    expect(web.entry).toMatchObject({ kind: "image", archive: { mode: "export" } });
    expect(run(web.command).argv).toEqual([["export", "web"]]);
  });

  it("carries each archive's manifest entry, without what only the upload knows", () => {
    const steps = uploads(archiveSpec(input(found, plan))!.steps);
    expect(steps[0]!.entry).toEqual({
      kind: "image",
      fileName: "web.tar.gz",
      archive: {
        container: "web",
        image: "web:1",
        imageId: `sha256:${"cd".repeat(32)}`,
        mode: "commit",
        compression: "gzip",
      },
    });
    expect(steps.find((s) => s.name === "volume shared")!.entry).toEqual({
      kind: "volume",
      fileName: "shared.tar.gz",
      archive: {
        volume: "shared",
        mountPath: "/srv/shared",
        container: "db",
        image: "db:1",
        usedBy: [{ container: "db", image: "db:1", destination: "/srv/shared" }],
        compression: "gzip",
      },
    });
  });

  it("expects the sum of the sizes when every one is known, and no figure otherwise", () => {
    const small = inventoryOf([container("web", true, ["web-data"])]);
    const sizes = { containers: new Map([["web-id", 1000]]), volumes: new Map([["web-data", 234]]) };
    expect(archiveSpec(input(small, plan, { sizes }))!.expectedBytes).toBe(1234);
    const partial = { containers: sizes.containers, volumes: new Map<string, number>() };
    expect(archiveSpec(input(small, plan, { sizes: partial }))!.expectedBytes).toBeUndefined();
  });

  it("refuses a hostile volume name or helper image before building anything", () => {
    for (const hostile of ["$(touch pwned)", "-v", "a b", "x;id", "../etc", "`id`"]) {
      const bad = inventoryOf([container("web", true, [hostile])]);
      expect(() => archiveSpec(input(bad, plan))).toThrow(UnsafeNameError);
    }
    expect(() => archiveSpec(input(found, plan, { helperImage: "busybox; touch pwned" }))).toThrow(UnsafeNameError);
  });

  it("reads volumes with the helper image, piped into the compressor under pipefail", () => {
    const data = uploads(archiveSpec(input(found, plan, { helperImage: "busybox:1.36" }))!.steps).find(
      (s) => s.name === "volume web-data",
    )!;
    const tar = run(data.command);
    // The fake docker writes no tar, so the volume command fails, and with it the pipeline.
    expect(tar.code).not.toBe(0);
    const call = tar.argv[0]!;
    expect(call.slice(0, 7)).toEqual(["run", "--rm", "--log-driver", "none", "--network", "none", "-v"]);
    expect(call).toContain("web-data:/data:ro");
    expect(call).toContain("busybox:1.36");
  });
});
