/**
 * `/lifeboat status` reads the run history too (the real Bolt handler against the loopback
 * Slack API): a run started from the CLI, which has no durable execution, shows up; a run
 * with both an execution and a record is listed once, as finished.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRecordOf } from "@lifeboat/core";
import { LocalSink, runHistory } from "@lifeboat/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiGatewayEvent, slashBody } from "./fakes/requests";
import { type SlackWorld, slackWorld } from "./fakes/setup";

let world: SlackWorld;
const dir = mkdtempSync(join(tmpdir(), "lifeboat-slack-history-"));
const history = runHistory(new LocalSink(dir));
beforeAll(async () => {
  world = await slackWorld();
  world.deps.history = (plan, last) => history.list(plan, { last });
});
afterAll(async () => {
  await world.close();
  rmSync(dir, { recursive: true, force: true });
});

async function status(text: string): Promise<string> {
  await world.handler(apiGatewayEvent(slashBody(text, "U0LIFEBOAT1", world.slack.responseUrl("cmd"))), {});
  const before = world.slack.calls.length;
  await world.runLastDeferred();
  const [posted] = world.slack.calls.slice(before).filter((c) => c.method === "response_url");
  const body = posted!.body as { text: string; blocks?: unknown[] };
  return `${body.text}\n${JSON.stringify(body.blocks ?? [])}`;
}

const at = (iso: string) => Date.parse(iso);

describe("/lifeboat status with the run history", () => {
  it("shows a run started from the CLI, and a finished run once even while its execution still says running", async () => {
    // The memory backend's executions: weekly-20261129T030000Z-schedule running, weekly-20261122… finished.
    await history.write(
      runRecordOf(
        {
          runId: "weekly-20261129T030000Z-schedule",
          plan: "weekly",
          outcome: "succeeded",
          durationSeconds: 2400,
          droplets: [{ droplet: "gitlab", dropletId: 1, outcome: "succeeded", detail: "", phases: {} }],
        },
        { trigger: "schedule", startedAt: at("2026-11-29T03:00:00Z"), finishedAt: at("2026-11-29T03:40:00Z") },
      ),
    );
    await history.write(
      runRecordOf(
        {
          runId: "nightly-20261129T091500Z-cli",
          plan: "nightly",
          outcome: "incomplete",
          durationSeconds: 300,
          droplets: [
            { droplet: "gitlab", dropletId: 1, outcome: "succeeded", detail: "", phases: {} },
            { droplet: "drone", dropletId: 2, outcome: "failed", detail: "snapshot failed", phases: {} },
          ],
        },
        {
          trigger: "cli",
          by: "cli:alice",
          startedAt: at("2026-11-29T09:15:00Z"),
          finishedAt: at("2026-11-29T09:20:00Z"),
        },
      ),
    );

    const text = await status("status");
    expect(text).toContain(
      "last: `nightly-20261129T091500Z-cli` incomplete, finished 56m ago — from the CLI by cli:alice; gitlab succeeded, drone failed",
    );
    expect(text).toContain(
      "last: `weekly-20261129T030000Z-schedule` succeeded, finished 7h ago — schedule; gitlab succeeded",
    );
    expect(text).not.toContain("`weekly-20261129T030000Z-schedule` running");
    expect(text).not.toContain("weekly-20261122T030000Z-schedule");
    expect(text.match(/weekly-20261129T030000Z-schedule/g)).toHaveLength(1);
  });
});
