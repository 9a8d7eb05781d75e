/**
 * `verify.finished` in Slack, through the report handler and the loopback Slack server: a
 * verify asked for gets a thread of its own; a run's verify step replies in the run's thread;
 * the broken items are named, bounded.
 */
import type { EventOf, LifeboatEvent } from "@lifeboat/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { delivery, RUN } from "./fakes/events";
import { reportHandler } from "./fakes/report-setup";
import { type SlackServer, startSlackServer } from "./fakes/slack-server";

const allText = (m: { text?: string; blocks?: unknown[] } | undefined) =>
  `${m?.text}\n${JSON.stringify(m?.blocks ?? [])}`;

const VERIFY = "verify-20261129T101530Z-3f9a1c";

function verifyFinished(fields: Partial<EventOf<"verify.finished">> = {}): EventOf<"verify.finished"> {
  return {
    runId: VERIFY,
    plan: "*",
    droplet: "*",
    at: "2026-11-29T10:31:00Z",
    type: "verify.finished",
    origin: "request",
    target: "drone",
    passed: false,
    droplets: 1,
    checks: 3,
    brokenCount: 1,
    readData: 1,
    seed: 7,
    broken: [
      {
        droplet: "drone",
        check: "data",
        item: "runs/drone/nightly-1/volumes/data.tar.zst",
        detail: "sha256 1f… differs from the manifest's 9a…",
      },
    ],
    durationSeconds: 930,
    trigger: "slack",
    requestedBy: "U0OUTSIDER",
    ...fields,
  };
}

describe("verify report (through the report handler)", () => {
  let slack: SlackServer;
  let logs: string[];
  beforeEach(async () => {
    slack = await startSlackServer();
    logs = [];
  });
  afterEach(() => slack.close());

  it("a verify asked for: a thread of its own, the parent with the verdict, a reply naming each broken item", async () => {
    const report = reportHandler(slack, logs);
    await report(delivery(verifyFinished()));

    const parents = slack.messages.filter((m) => !m.thread_ts);
    expect(parents).toHaveLength(1);
    expect(parents[0]?.text).toBe(`lifeboat verify ${VERIFY} (drone): failed`);
    const parent = allText(parents[0]);
    expect(parent).toContain(`*lifeboat verify* \`${VERIFY}\` of *drone* — :x: 1 broken of 3 checks`);
    expect(parent).toContain(
      "asked from Slack by <@U0OUTSIDER> · read back 100% of the archives · seed 7 · took 15m 30s",
    );

    const replies = slack.messages.filter((m) => m.thread_ts === parents[0]?.ts);
    expect(replies).toHaveLength(1);
    const reply = allText(replies[0]);
    expect(reply).toContain(
      ":x: *verify of drone: 1 broken of 3 checks* (1 droplet, read back 100% of the archives, seed 7)",
    );
    expect(reply).toContain(
      ":x: drone data `runs/drone/nightly-1/volumes/data.tar.zst`: sha256 1f… differs from the manifest's 9a…",
    );
    expect(reply).toContain("`lifeboat verify drone --read-data=1 --seed 7`");
  });

  it("a verify that passed, of every plan", async () => {
    const report = reportHandler(slack, logs);
    await report(
      delivery(verifyFinished({ target: undefined, passed: true, brokenCount: 0, broken: [], droplets: 2, checks: 9 })),
    );
    expect(slack.messages[0]?.text).toBe(`lifeboat verify ${VERIFY} (every plan): passed`);
    expect(allText(slack.messages[0])).toContain("of every plan — :white_check_mark: all 9 checks hold");
    expect(allText(slack.messages[1])).toContain(":white_check_mark: *verify of every plan: all 9 checks hold*");
  });

  it("a run's verify step replies in the run's thread; the parent stays the run's", async () => {
    const report = reportHandler(slack, logs);
    const started: LifeboatEvent = {
      runId: RUN,
      plan: "weekly",
      droplet: "*",
      at: "2026-11-29T03:00:00Z",
      type: "run.started",
      trigger: "schedule",
      droplets: ["gitlab"],
    };
    await report(delivery(started));
    const {
      trigger: _t,
      requestedBy: _r,
      durationSeconds: _d,
      ...fromRun
    } = verifyFinished({
      runId: RUN,
      plan: "weekly",
      origin: "run",
      target: "weekly",
      at: "2026-11-29T03:40:00Z",
    });
    await report(delivery(fromRun));

    const parents = slack.messages.filter((m) => !m.thread_ts);
    expect(parents).toHaveLength(1);
    expect(allText(parents[0])).toContain(`*lifeboat run* \`${RUN}\` of plan *weekly*`);
    const replies = slack.messages.filter((m) => m.thread_ts === parents[0]?.ts).map(allText);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(":x: *verify of weekly: 1 broken of 3 checks*");
    expect(replies[0]).toContain("runs/drone/nightly-1/volumes/data.tar.zst");
  });

  it("more broken items than an event names: the reply says how many more", async () => {
    const report = reportHandler(slack, logs);
    const broken = Array.from({ length: 20 }, (_, i) => ({
      droplet: "drone",
      check: "object",
      item: `runs/drone/nightly-1/volumes/v${i}.tar.zst`,
      detail: "missing from the store",
    }));
    await report(delivery(verifyFinished({ brokenCount: 32, checks: 40, broken })));
    const reply = allText(slack.messages.find((m) => m.thread_ts));
    expect(reply).toContain("32 broken of 40 checks");
    expect(reply).toContain("v19.tar.zst");
    expect(reply).toContain("… and 12 more");
  });

  it("a verify that could not run says why", async () => {
    const report = reportHandler(slack, logs);
    const error = '"nope" is neither a plan (weekly, nightly) nor a droplet; `lifeboat list` shows the droplets';
    await report(
      delivery(verifyFinished({ target: "nope", checks: 0, brokenCount: 0, broken: [], droplets: 0, error })),
    );
    expect(allText(slack.messages[0])).toContain("of *nope* — :x: could not run");
    expect(slack.messages[1]?.text).toBe(`verify of nope: could not run: ${error}`);
    expect(allText(slack.messages[1])).toContain('*What failed:* \\"nope\\" is neither a plan');
  });

  it('plan "*" is taken from verify.finished only', async () => {
    const report = reportHandler(slack, logs);
    await report(
      delivery({
        runId: "x",
        plan: "*",
        droplet: "*",
        at: "2026-11-29T03:00:00Z",
        type: "run.started",
        trigger: "schedule",
        droplets: [],
      }),
    );
    expect(slack.messages).toHaveLength(0);
    expect(logs.at(-1)).toContain("plan * is not in lifeboat.config.ts");
  });
});
