/**
 * `lifeboat cost` (the CLI, as a process) and `/lifeboat cost` (the deployed Slack backend) over
 * the same sandbox and the same archive store give the same figures: both are core's `fleetCost`.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { pricesFor, snapshotName, validateConfig } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { LocalSink, runWriter, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, expect, it } from "vitest";
import { deployedBackend } from "../../../functions/slack-backend";
import { sandboxEnv, startLifeboat } from "../cli/cli-process";

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ startAt: Date.parse("2026-11-26T12:00:00Z") });
  dir = await mkdtemp(join(tmpdir(), "cost-agrees-"));
});
afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

it("gives the same cost from the CLI and from Slack's backend", async () => {
  const web1 = sandbox.addDroplet({ name: "web-1", usedDiskGb: 10 }).id;
  // DO Backups on db-1 (weekly, $6 droplet): 20 % = $1.20 a month in both answers.
  const db1 = sandbox.addDroplet({
    name: "db-1",
    usedDiskGb: 5,
    tags: ["db"],
    backups: { plan: "weekly", weekday: "SUN", hour: 4 },
  }).id;
  for (const [id, name, plan, days] of [
    [web1, "web-1", "weekly", 1],
    [web1, "web-1", "weekly", 8],
    [db1, "db-1", "nightly", 1],
  ] as const) {
    const at = Date.parse("2026-11-26T03:00:00Z") - days * 86_400_000;
    sandbox.state.addSnapshot(id, snapshotName(plan, name, new Date(at)), at);
  }
  sandbox.state.addSnapshot(web1, "web-1-before-upgrade", Date.parse("2026-01-01T00:00:00Z")); // not lifeboat's
  const store = join(dir, "store");
  const sink = new LocalSink(store);
  const body = Buffer.alloc(30 * 1024 ** 2, 7); // 0.03 GB: enough to show in the figures
  const runId = "weekly-20261122T030000Z";
  const stored = await runWriter(sink, { droplet: "web-1", runId }).putArchive(
    "volume",
    "data.tar",
    Readable.from([body]),
  );
  const sha256 = createHash("sha256").update(body).digest("hex");
  await writeManifest(sink, {
    runId,
    plan: "weekly",
    droplet: "web-1",
    createdAt: "2026-11-22T03:00:00.000Z",
    containers: [],
    volumes: [{ volume: "data", usedBy: [], compression: "none", key: stored.key, bytes: stored.bytes, sha256 }],
  });
  const input = {
    storage: { type: "local", directory: store },
    plans: [
      {
        name: "weekly",
        schedule: "cron(0 3 ? * SUN *)",
        droplets: [{ name: "web-1" }],
        snapshot: { approval: { required: false } },
        retention: { keepLast: 2 },
      },
      {
        name: "nightly",
        schedule: "cron(0 2 * * ? *)",
        droplets: [{ tag: "db" }],
        snapshot: { approval: { required: false } },
        retention: { keepLast: 7 },
      },
    ],
  };
  const configFile = join(dir, "lifeboat.config.ts");
  await writeFile(configFile, `export default ${JSON.stringify(input)};\n`);
  const config = validateConfig(input);

  // Not spawnSync: the sandbox answers from this process, whose event loop must keep running.
  const cli = startLifeboat(
    ["--config", configFile, "--json", "cost"],
    sandboxEnv({ DIGITALOCEAN_TOKEN: sandbox.token, DIGITALOCEAN_ENDPOINT: sandbox.url }),
  );
  expect(await cli.exit, cli.stderr()).toBe(0);
  const fromCli = JSON.parse(cli.stdout());

  const fromSlack = await deployedBackend({
    config,
    droplets: new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock }),
    archives: sink,
    archivePrices: pricesFor(config.storage),
    lambda: new LambdaClient({ region: "us-east-1" }),
    backupFunction: "backup-run",
  }).storageCost();

  expect(fromSlack.plans).toEqual(fromCli.plans);
  expect({ storage: fromSlack.storage, baseUsd: fromSlack.baseUsd, totalUsd: fromSlack.totalUsd }).toEqual({
    storage: fromCli.storage,
    baseUsd: fromCli.baseUsd,
    totalUsd: fromCli.totalUsd,
  });
  expect(fromSlack.dropletBackups).toEqual(fromCli.dropletBackups);
  expect(fromCli.dropletBackups).toMatchObject({
    droplets: [{ droplet: "db-1", backups: "weekly", setBy: "DigitalOcean", dropletMonthlyUsd: 6, usd: 1.2 }],
    totalUsd: 1.2,
    warnings: [expect.stringMatching(/^db-1 pays for both DO weekly Backups/)],
  });
  // Not an empty agreement: both counted the plans' own snapshots and the weekly archive run.
  expect(fromCli.plans).toEqual([
    expect.objectContaining({ plan: "weekly", snapshots: 2, snapshotGb: 20, archiveGb: 0.03 }),
    expect.objectContaining({ plan: "nightly", snapshots: 1, snapshotGb: 5, archiveGb: 0 }),
  ]);
});
