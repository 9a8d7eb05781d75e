/**
 * DigitalOcean Backups in Slack (#16 §1), through the real Bolt handler and the loopback Slack
 * server, with the deployed backend over the sandbox: `/lifeboat list` and `/lifeboat cost`
 * show them; `/lifeboat restore` offers each backup as a new droplet or in place, and the
 * in-place restore runs only for an approver, behind a confirm dialog.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { keptSnapshotName, validateConfig } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { LocalSink } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployedBackend } from "../../../functions/slack-backend";
import sample from "../../../lifeboat.config";
import { actionBody, apiGatewayEvent, slashBody } from "./fakes/requests";
import { type SlackWorld, slackWorld } from "./fakes/setup";

const APPROVER = "U0LIFEBOAT1";
const OUTSIDER = "U0OUTSIDER";

let sandbox: Sandbox;
let world: SlackWorld;
let dir: string;
let gitlab: number;
let older: { id: number; name: string };
let newer: { id: number; name: string };

beforeAll(async () => {
  sandbox = await startSandbox({ startAt: Date.parse("2026-11-29T10:00:00Z") });
  gitlab = sandbox.addDroplet({
    name: "gitlab",
    usedDiskGb: 6,
    sizeSlug: "s-2vcpu-4gb",
    backups: { plan: "weekly", weekday: "SUN", hour: 4 },
  }).id;
  sandbox.addDroplet({ name: "drone", usedDiskGb: 3 });
  older = sandbox.state.addBackup(gitlab, Date.parse("2026-11-15T05:00:00Z"));
  newer = sandbox.state.addBackup(gitlab, Date.parse("2026-11-22T05:00:00Z"));
  const keptAt = "2026-11-08T05:00:00Z";
  sandbox.state.addSnapshot(gitlab, keptSnapshotName("gitlab", keptAt), Date.parse(keptAt));
  dir = await mkdtemp(join(tmpdir(), "slack-do-backups-"));
  const config = validateConfig(sample);
  const backend = deployedBackend({
    config,
    droplets: new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock }),
    archives: new LocalSink(dir),
    archivePrices: "local",
    lambda: new LambdaClient({ region: "us-east-1" }),
    backupFunction: "backup-run",
  });
  world = await slackWorld({ backend });
});
afterAll(async () => {
  await world.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

type Posted = {
  text: string;
  blocks?: Array<{
    text?: { text: string };
    accessory?: { action_id: string; value: string; text: { text: string } };
    elements?: Array<{ action_id: string; value: string; confirm?: { style?: string; title: { text: string } } }>;
  }>;
};

async function deferred(text: string, user = APPROVER): Promise<Posted> {
  const res = await world.handler(apiGatewayEvent(slashBody(text, user, world.slack.responseUrl("cmd"))), {});
  expect(res?.statusCode).toBe(200);
  const before = world.slack.calls.length;
  await world.runLastDeferred();
  const posted = world.slack.calls.slice(before).filter((c) => c.method === "response_url");
  expect(posted).toHaveLength(1);
  return posted[0]!.body as Posted;
}

async function click(actionId: string, value: string, user: string): Promise<Posted> {
  const before = world.slack.calls.length;
  const res = await world.handler(
    apiGatewayEvent(actionBody({ user, actionId, value, responseUrl: world.slack.responseUrl("restore") })),
    {},
  );
  expect(res?.statusCode).toBe(200);
  const posted = world.slack.calls.slice(before).filter((c) => c.method === "response_url");
  expect(posted).toHaveLength(1);
  return posted[0]!.body as Posted;
}

const allText = (m: Posted) => [m.text, ...(m.blocks ?? []).map((b) => b.text?.text ?? "")].join("\n");
const restoreActions = () => [...sandbox.state.actions.values()].filter((a) => a.type === "restore");

/** The "Restore…" button of the option whose text starts with `kind` and names `label`. */
function chooseButton(listing: Posted, kind: string, label: string) {
  const block = listing.blocks?.find((b) => b.text?.text.startsWith(`*${kind}*`) && b.text.text.includes(label));
  expect(block?.accessory, `${kind} ${label}`).toBeDefined();
  return block!.accessory!;
}

describe("DO backups in Slack", () => {
  it("/lifeboat list shows the droplet's DO backups beside its snapshots, a kept one marked", async () => {
    const text = allText(await deferred("list gitlab"));
    expect(text).toContain("*DO backups (2)*");
    expect(text.indexOf(`\`${newer.name}\` (id ${newer.id}) 6.0 GB, 7d ago`)).toBeLessThan(
      text.indexOf(`\`${older.name}\` (id ${older.id})`),
    );
    expect(text).toContain("`kept-gitlab-20261108T050000Z` 6.0 GB, 21d ago — kept DO backup");
  });

  it("/lifeboat cost adds the DO Backups and warns once about gitlab's offline snapshots", async () => {
    const text = allText(await deferred("cost"));
    // gitlab (s-2vcpu-4gb, $24/month), weekly Backups: 20 % = $4.80.
    expect(text).toContain("*gitlab*: DO weekly Backups (DigitalOcean), 20 % of $24.00 = $4.80/month");
    expect(text.match(/:warning: gitlab pays for both/g)).toHaveLength(1);
  });

  it("overwrites the droplet in place only for an approver, behind a confirm dialog", async () => {
    const listing = await deferred("restore gitlab", OUTSIDER);
    const inPlace = chooseButton(listing, "DO backup → overwrite this droplet", newer.name);

    const prompt = await click(inPlace.action_id, inPlace.value, OUTSIDER);
    expect(prompt.text).toBe(`Overwrite gitlab with DO backup ${newer.name}?`);
    const confirmButton = prompt.blocks?.[1]?.elements?.[0];
    expect(confirmButton?.confirm).toMatchObject({ style: "danger", title: { text: "Overwrite the droplet?" } });

    const refused = await click(confirmButton!.action_id, confirmButton!.value, OUTSIDER);
    expect(refused.text).toContain("only the approvers of gitlab's plans (weekly, nightly) may restore it");
    expect(refused.text).toContain("nothing was changed. Ask one of them to press Confirm restore");
    expect(restoreActions()).toEqual([]);

    const started = await click(confirmButton!.action_id, confirmButton!.value, APPROVER);
    const [action] = restoreActions();
    expect(started.text).toContain(`started restore \`restore-action-${action?.id}\``);
    expect(started.text).toContain(`gitlab is being overwritten by DO backup \`${newer.name}\``);
    expect(action).toMatchObject({ dropletId: gitlab, image: newer.id });
  });

  it("makes a new droplet from a backup, leaving the droplet as it is", async () => {
    const listing = await deferred("restore gitlab");
    const asNew = chooseButton(listing, "DO backup → new droplet", older.name);
    const prompt = await click(asNew.action_id, asNew.value, APPROVER);
    expect(allText(prompt)).toContain("gitlab stays as it is");
    const confirmButton = prompt.blocks?.[1]?.elements?.[0];
    expect(confirmButton?.confirm).toBeUndefined();
    const restoresBefore = restoreActions().length;

    const started = await click(confirmButton!.action_id, confirmButton!.value, APPROVER);
    const id = Number(/`droplet-(\d+)`/.exec(started.text)?.[1]);
    expect(sandbox.droplet(id)?.createdWith?.image).toBe(older.id);
    expect(restoreActions()).toHaveLength(restoresBefore);
  });
});
