/**
 * The deployed Slack backend over real adapters: the DigitalOcean client against the sandbox,
 * archives in a local sink, and backup-run's executions from a loopback Lambda endpoint.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { LambdaClient } from "@aws-sdk/client-lambda";
import {
  itemLabel,
  type LifeboatConfig,
  monthlyCost,
  type PlanUsage,
  PRICES,
  snapshotName,
  validateConfig,
} from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { LocalSink, runWriter, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackendDeps, deployedBackend, planOfRun } from "../../../functions/slack-backend";
import { startRecordingServer } from "../../support/recording-server";

const config: LifeboatConfig = validateConfig({
  plans: [
    {
      name: "weekly",
      schedule: "cron(0 3 ? * SUN *)",
      droplets: [{ name: "web-1" }],
      snapshot: { approval: { approvers: ["U0APPROVER"] } },
      retention: { keepLast: 2 },
    },
    {
      name: "weekly-db",
      schedule: "rate(7 days)",
      droplets: [{ tag: "db" }],
      snapshot: { mode: "none" },
      retention: { keepDaily: 1 },
    },
  ],
});

describe("deployed Slack backend", () => {
  let sandbox: Sandbox;
  let dir: string;
  let lambda: Awaited<ReturnType<typeof startRecordingServer>>;
  let deps: BackendDeps;
  let backend: ReturnType<typeof deployedBackend>;
  let web1: number;

  beforeAll(async () => {
    sandbox = await startSandbox({ startAt: Date.parse("2026-11-26T12:00:00Z") });
    web1 = sandbox.addDroplet({ name: "web-1", usedDiskGb: 10 }).id;
    sandbox.addDroplet({ name: "db-1", usedDiskGb: 5, tags: ["db"] });
    const day = 86_400_000;
    for (const d of [1, 2, 3, 8]) {
      const at = Date.parse("2026-11-26T03:00:00Z") - d * day;
      sandbox.state.addSnapshot(web1, snapshotName("weekly", "web-1", new Date(at)), at);
    }
    sandbox.state.addSnapshot(web1, "web-1-before-upgrade", Date.parse("2026-01-01T00:00:00Z")); // not ours
    dir = await mkdtemp(join(tmpdir(), "slack-backend-"));
    const sink = new LocalSink(dir);
    const body = Buffer.from("volume bytes");
    const stored = await runWriter(sink, { droplet: "web-1", runId: "weekly-20261122T030000Z" }).putArchive(
      "volume",
      "data.tar",
      Readable.from([body]),
    );
    await writeManifest(sink, {
      runId: "weekly-20261122T030000Z",
      plan: "weekly",
      droplet: "web-1",
      createdAt: "2026-11-22T03:00:00.000Z",
      containers: [],
      volumes: [
        {
          volume: "data",
          usedBy: [],
          compression: "none",
          key: stored.key,
          bytes: stored.bytes,
          sha256: createHash("sha256").update(body).digest("hex"),
        },
      ],
    });
    lambda = await startRecordingServer(() => ({
      body: JSON.stringify({
        DurableExecutions: [
          {
            DurableExecutionArn: "arn:x:1",
            DurableExecutionName: "weekly-db-20261126T030000Z",
            FunctionArn: "f",
            Status: "RUNNING",
            StartTimestamp: 1_795_000_000,
          },
          {
            DurableExecutionArn: "arn:x:4",
            DurableExecutionName: "weekly-20261126T040000Z-drill",
            FunctionArn: "f",
            Status: "RUNNING",
            StartTimestamp: 1_795_000_100,
          },
          {
            DurableExecutionArn: "arn:x:5",
            DurableExecutionName: "weekly-20261125T101530Z-drill-3f9a1c",
            FunctionArn: "f",
            Status: "SUCCEEDED",
            StartTimestamp: 1_794_900_000,
            EndTimestamp: 1_794_900_400,
          },
          {
            DurableExecutionArn: "arn:x:2",
            DurableExecutionName: "weekly-20261122T030000Z",
            FunctionArn: "f",
            Status: "SUCCEEDED",
            StartTimestamp: 1_794_000_000,
            EndTimestamp: 1_794_001_800,
          },
          {
            DurableExecutionArn: "arn:x:3",
            DurableExecutionName: "someone-else-20261122T030000Z",
            FunctionArn: "f",
            Status: "FAILED",
            StartTimestamp: 1_794_000_000,
          },
        ],
      }),
    }));
    deps = {
      config,
      droplets: new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock }),
      archives: sink,
      archivePrices: "s3",
      lambda: new LambdaClient({
        endpoint: lambda.url,
        region: "us-east-1",
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
      }),
      backupFunction: "test-lifeboat-backup-run",
    };
    backend = deployedBackend(deps);
  });
  afterAll(async () => {
    await sandbox.close();
    await lambda.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("tells runs of plan weekly from runs of plan weekly-db", () => {
    expect(planOfRun("weekly-db-20261126T030000Z", ["weekly", "weekly-db"])).toBe("weekly-db");
    expect(planOfRun("weekly-20261126T030000Z-slack-ab12", ["weekly", "weekly-db"])).toBe("weekly");
    expect(planOfRun("nightly-20261126T030000Z", ["weekly", "weekly-db"])).toBeUndefined();
  });

  it("reports running and last finished runs per plan from the durable executions", async () => {
    const [weekly, db] = await backend.status(["weekly", "weekly-db"]);
    // A drill is listed while it runs, and a finished drill is never the plan's last run.
    expect(weekly).toMatchObject({
      plan: "weekly",
      running: [{ runId: "weekly-20261126T040000Z-drill", kind: "drill", status: "running" }],
      lastFinished: { runId: "weekly-20261122T030000Z", status: "succeeded" },
    });
    expect(weekly?.lastFinished?.kind).toBeUndefined();
    expect(db?.running.map((r) => r.runId)).toEqual(["weekly-db-20261126T030000Z"]);
    expect(decodeURIComponent(lambda.requests[0]!.path)).toContain(
      "/functions/test-lifeboat-backup-run/durable-executions",
    );
  });

  it("finds a droplet with the plans that select it, and says nothing for an unknown one", async () => {
    expect(await backend.findDroplet("db-1")).toMatchObject({ name: "db-1", plans: ["weekly-db"] });
    expect(await backend.findDroplet("nope")).toBeUndefined();
  });

  it("lists lifeboat's snapshots and complete archive runs of a droplet", async () => {
    const ref = (await backend.findDroplet("web-1"))!;
    const backups = await backend.listBackups(ref);
    expect(backups.snapshots.map((s) => s.name)).toEqual([
      "lifeboat-weekly-web-1-20261125T030000Z",
      "lifeboat-weekly-web-1-20261124T030000Z",
      "lifeboat-weekly-web-1-20261123T030000Z",
      "lifeboat-weekly-web-1-20261118T030000Z",
    ]);
    expect(backups.archiveRuns).toEqual([
      {
        runId: "weekly-20261122T030000Z",
        plan: "weekly",
        createdAt: "2026-11-22T03:00:00.000Z",
        bytes: 12,
        items: 1,
        complete: true,
      },
    ]);
  });

  it("previews, then applies, retention: only lifeboat's snapshots the policy releases", async () => {
    const preview = await backend.previewRetention("weekly");
    const snapshots = preview.verdicts.filter((v) => v.target === "snapshots");
    expect(snapshots.filter((v) => v.action === "delete").map((d) => d.name)).toEqual([
      "lifeboat-weekly-web-1-20261123T030000Z",
      "lifeboat-weekly-web-1-20261118T030000Z",
    ]);
    const before = sandbox.state.snapshots.size;
    const result = await backend.applyRetention("weekly", "U0APPROVER");
    expect(result.deleted.map(itemLabel)).toEqual([
      "lifeboat-weekly-web-1-20261123T030000Z",
      "lifeboat-weekly-web-1-20261118T030000Z",
    ]);
    expect(sandbox.state.snapshots.size).toBe(before - 2);
    expect([...sandbox.state.snapshots.values()].map((s) => s.name)).toContain("web-1-before-upgrade");
  });

  it("restores a snapshot as a new droplet, and sends archive restores to the CLI", async () => {
    const ref = (await backend.findDroplet("web-1"))!;
    const options = await backend.restoreOptions(ref);
    const snapshot = options.find((o) => o.kind === "snapshot")!;
    const { restoreId } = await backend.startRestore({
      droplet: "web-1",
      optionId: snapshot.id,
      requestedBy: "U0APPROVER",
    });
    const created = sandbox.droplet(Number(restoreId.replace("droplet-", "")));
    expect(created?.name).toMatch(/^web-1-restored-/);
    expect(sandbox.droplet(web1)?.status).toBe("active");
    const archive = options.find((o) => o.kind === "archive-run")!;
    await expect(
      backend.startRestore({ droplet: "web-1", optionId: archive.id, requestedBy: "U0APPROVER" }),
    ).rejects.toThrow(/npm run lifeboat -- restore web-1 weekly-20261122T030000Z/);
  });

  /** What the plans store: the two 10 GB snapshots of web-1 that retention kept, its 12-byte archive run. */
  const usage: PlanUsage[] = [
    { plan: "weekly", snapshotGb: [10, 10], archiveBytes: 12 },
    { plan: "weekly-db", snapshotGb: [], archiveBytes: 0 },
  ];

  /** Neither droplet has DO Backups (the plans leave them unmanaged; DO says disabled). */
  const none = { droplets: [], totalUsd: 0, warnings: [] };

  it("prices what each plan stores with core's monthlyCost, as `lifeboat cost` does", async () => {
    const cost = await backend.storageCost();
    expect(cost).toEqual({ storage: "s3", prices: PRICES.s3, ...monthlyCost(usage, PRICES.s3), dropletBackups: none });
    expect(cost.plans.map((p) => [p.plan, p.snapshots, p.snapshotUsd])).toEqual([
      ["weekly", 2, 1.2],
      ["weekly-db", 0, 0],
    ]);
    expect(cost.baseUsd).toBe(0);
    expect(cost.totalUsd).toBe(1.2);
  });

  it("adds Spaces' $5 base charge, which includes the first 250 GB of archives", async () => {
    const cost = await deployedBackend({ ...deps, archivePrices: "spaces" }).storageCost();
    expect(cost).toEqual({
      storage: "spaces",
      prices: PRICES.spaces,
      ...monthlyCost(usage, PRICES.spaces),
      dropletBackups: none,
    });
    expect(cost.baseUsd).toBe(5);
    expect(cost.totalUsd).toBe(6.2); // $1.20 of snapshots + $5; the 12-byte archive is within 250 GB
  });
});
