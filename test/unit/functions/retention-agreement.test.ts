/**
 * `lifeboat retention` and `/lifeboat retention` over the same sandbox state and archive store:
 * both go through core's retention use case, so they show the same verdicts and reasons. And
 * the deployed apply path: a deletion failing in the middle is reported, the others still go.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { type DropletApi, itemLabel, type RetentionReport, snapshotName, validateConfig } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { LocalSink, runWriter, type Sink, writeManifest } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployedBackend } from "../../../functions/slack-backend";
import { retentionView } from "../../../packages/slack/src/commands/views";
import { sandboxEnv, startLifeboat } from "../cli/cli-process";
import { tempConfig } from "../cli/temp-config";

const retention = { keepLast: 1, keepDaily: 2 };
const DAY = 86_400_000;
const NOW = Date.parse("2026-11-26T12:00:00Z");

async function storeRun(sink: Sink, runId: string, plan: string, createdAt: string) {
  const body = Buffer.from(`archive of ${runId}`);
  const stored = await runWriter(sink, { droplet: "web-1", runId }).putArchive(
    "volume",
    "data.tar",
    Readable.from([body]),
  );
  await writeManifest(sink, {
    runId,
    plan,
    droplet: "web-1",
    createdAt,
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
}

/** What a person reads: per item, where it is, what happens to it, and why. */
type Row = [target: string, droplet: string, name: string, action: string, reasons: string];

describe("retention: the CLI and Slack agree, and a failed deletion does not stop the others", () => {
  let sandbox: Sandbox;
  let dir: string;
  let sink: LocalSink;
  let configPath: string;
  let web1: number;
  const plan = {
    name: "weekly",
    schedule: "cron(0 3 * * ? *)",
    droplets: [{ name: "web-1" }],
    snapshot: { approval: { approvers: ["U0APPROVER"] } },
    retention,
  };
  const config = validateConfig({ plans: [plan] });

  beforeAll(async () => {
    sandbox = await startSandbox({ startAt: NOW });
    web1 = sandbox.addDroplet({ name: "web-1", usedDiskGb: 10 }).id;
    for (const d of [1, 2, 3, 4, 9]) {
      const at = Date.parse("2026-11-26T03:00:00Z") - d * DAY;
      sandbox.state.addSnapshot(web1, snapshotName("weekly", "web-1", new Date(at)), at);
    }
    sandbox.state.addSnapshot(web1, "web-1-before-upgrade", Date.parse("2026-01-01T00:00:00Z"));
    dir = await mkdtemp(join(tmpdir(), "retention-agreement-"));
    sink = new LocalSink(dir);
    await storeRun(sink, "weekly-20261120T030000Z", "weekly", "2026-11-20T03:00:00.000Z");
    await storeRun(sink, "weekly-20261124T030000Z", "weekly", "2026-11-24T03:00:00.000Z");
    await storeRun(sink, "weekly-20261125T030000Z", "weekly", "2026-11-25T03:00:00.000Z");
    await storeRun(sink, "nightly-20260101T030000Z", "nightly", "2026-01-01T03:00:00.000Z");
    configPath = tempConfig(`import { defineConfig } from "@lifeboat/core";
export default defineConfig({
  plans: [${JSON.stringify(plan)}],
  ssh: { droplets: {} },
  storage: { type: "local", directory: ${JSON.stringify(dir)} },
});
`);
  });
  afterAll(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  const backendWith = (droplets: DropletApi) =>
    deployedBackend({
      config,
      droplets,
      archives: sink,
      archivePrices: "s3",
      lambda: new LambdaClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } }),
      backupFunction: "unused",
    });
  const client = () => new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock });
  /** The CLI in a child process, run asynchronously: the sandbox answers from this process. */
  const cli = async (args: string[]) => {
    const run = startLifeboat(
      ["--config", configPath, ...args],
      sandboxEnv({ DIGITALOCEAN_TOKEN: sandbox.token, DIGITALOCEAN_ENDPOINT: sandbox.url }),
    );
    const code = await run.exit;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  };

  const expected: Row[] = [
    [
      "snapshots",
      "web-1",
      "lifeboat-weekly-web-1-20261125T030000Z",
      "keep",
      "newest, keepLast #1, keepDaily 2026-11-25",
    ],
    ["snapshots", "web-1", "lifeboat-weekly-web-1-20261124T030000Z", "keep", "keepDaily 2026-11-24"],
    ["snapshots", "web-1", "lifeboat-weekly-web-1-20261123T030000Z", "delete", "no keep rule holds it"],
    ["snapshots", "web-1", "lifeboat-weekly-web-1-20261122T030000Z", "delete", "no keep rule holds it"],
    ["snapshots", "web-1", "lifeboat-weekly-web-1-20261117T030000Z", "delete", "no keep rule holds it"],
    ["snapshots", "web-1", "web-1-before-upgrade", "keep", "not lifeboat's"],
    ["archives", "web-1", "weekly-20261125T030000Z", "keep", "newest, keepLast #1, keepDaily 2026-11-25"],
    ["archives", "web-1", "weekly-20261124T030000Z", "keep", "keepDaily 2026-11-24"],
    ["archives", "web-1", "weekly-20261120T030000Z", "delete", "no keep rule holds it"],
    ["archives", "web-1", "nightly-20260101T030000Z", "keep", "plan nightly's"],
  ];

  it("shows the same verdicts with the same reasons in `lifeboat retention` and `/lifeboat retention --dry-run`", async () => {
    const r = await cli(["--json", "retention", "weekly"]);
    expect(r.code, r.stderr).toBe(0);
    type Entry = { name: string; reasons: string[] };
    type Side = { keep: Entry[]; release: Entry[] };
    const out = JSON.parse(r.stdout) as { droplets: Array<{ droplet: string; snapshots: Side; archives: Side }> };
    const cliRows: Row[] = out.droplets.flatMap((d) =>
      (["snapshots", "archives"] as const).flatMap((target) => [
        ...d[target].keep.map((e): Row => [target, d.droplet, e.name, "keep", e.reasons.join(", ")]),
        ...d[target].release.map((e): Row => [target, d.droplet, e.name, "delete", e.reasons.join(", ")]),
      ]),
    );
    const preview = await backendWith(client()).previewRetention("weekly");
    const slackRows: Row[] = preview.verdicts.map((v) => [v.target, v.droplet, v.name, v.action, v.reasons.join(", ")]);
    const byName = (a: Row, b: Row) => (a[0] + a[2] < b[0] + b[2] ? -1 : 1);
    expect(slackRows.sort(byName)).toEqual([...expected].sort(byName));
    expect(cliRows.sort(byName)).toEqual(slackRows);

    // And both print them: the CLI's table and the Slack reply carry the same reason text.
    const table = (await cli(["retention", "weekly"])).stdout;
    const reply = JSON.stringify(retentionView(preview).blocks);
    for (const [, , name, , reasons] of expected) {
      expect(table).toMatch(new RegExp(`${name}.*${reasons}`));
      const label = name.startsWith("lifeboat-") || name === "web-1-before-upgrade" ? name : `web-1/${name}`;
      expect(reply).toContain(`\`${label}\` — ${reasons}`);
    }
    expect(sandbox.state.snapshots.size).toBe(6); // previews delete nothing
  });

  it("apply: a snapshot that cannot be deleted is reported, the ones after it and the archive run still go", async () => {
    const api = client();
    const middle = [...sandbox.state.snapshots.values()].find(
      (s) => s.name === "lifeboat-weekly-web-1-20261122T030000Z",
    )!;
    const failing = new Proxy(api, {
      get(target, property) {
        if (property === "deleteSnapshot") {
          return (id: string) =>
            id === String(middle.id) ? Promise.reject(new Error("DigitalOcean answered 500")) : api.deleteSnapshot(id);
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const report: RetentionReport = await backendWith(failing).applyRetention("weekly", "U0APPROVER");
    expect(report.deleted.map(itemLabel)).toEqual([
      "lifeboat-weekly-web-1-20261123T030000Z",
      "lifeboat-weekly-web-1-20261117T030000Z",
      "web-1/weekly-20261120T030000Z",
    ]);
    expect(report.failed).toEqual([
      {
        target: "snapshots",
        droplet: "web-1",
        name: "lifeboat-weekly-web-1-20261122T030000Z",
        error: "DigitalOcean answered 500",
      },
    ]);
    expect([...sandbox.state.snapshots.values()].map((s) => s.name).sort()).toEqual([
      "lifeboat-weekly-web-1-20261122T030000Z",
      "lifeboat-weekly-web-1-20261124T030000Z",
      "lifeboat-weekly-web-1-20261125T030000Z",
      "web-1-before-upgrade",
    ]);
    expect(await sink.head("runs/web-1/weekly-20261120T030000Z/manifest.json")).toBeUndefined();
    const reply = retentionView(report);
    expect(reply.text).toBe("retention of weekly: deleted 3, 1 failed");
    expect(JSON.stringify(reply.blocks)).toContain(
      "could not delete 1* (the others were deleted)\\n`lifeboat-weekly-web-1-20261122T030000Z`: DigitalOcean answered 500",
    );
  });
});
