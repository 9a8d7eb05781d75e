/** Run reports: a full run's events → the exact thread; a failed run in plain words. */
import type { LifeboatEvent } from "@lifeboat/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { delivery, failedRun, fullRun, RUN } from "./fakes/events";
import { reportHandler } from "./fakes/report-setup";
import { BOT_TOKEN } from "./fakes/requests";
import { type SlackServer, startSlackServer } from "./fakes/slack-server";

let slack: SlackServer;
let logs: string[];
beforeEach(async () => {
  slack = await startSlackServer();
  logs = [];
});
afterEach(() => slack.close());

/** What each Web API call did, in order: method, the message it touched, its text. */
function trail() {
  return slack.calls.map((c) => {
    const b = c.body as { ts?: string; thread_ts?: string; text?: string };
    return [c.method, b.thread_ts ? `reply in ${b.thread_ts}` : (b.ts ?? ""), b.text ?? ""].join(" | ");
  });
}

const allText = (m: { text?: string; blocks?: unknown[] } | undefined) =>
  `${m?.text}\n${JSON.stringify(m?.blocks ?? [])}`;

describe("report thread", () => {
  it("keeps one thread per run: the parent updated in place, replies for notable events, a summary", async () => {
    const report = reportHandler(slack, logs);
    for (const event of fullRun()) await report(delivery(event));

    const parent = "1700000000.000001";
    const history = "conversations.history |  | ";
    expect(trail()).toEqual([
      history,
      "chat.postMessage |  | lifeboat run weekly-20261129T030000Z-schedule (weekly): running",
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): running`,
      history,
      `chat.postMessage | reply in ${parent} | lifeboat asks to power off gitlab (plan weekly) for a snapshot`,
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): running`,
      history,
      "chat.update | 1700000000.000002 | gitlab: :white_check_mark: Approved by <@U0LIFEBOAT1>: powering gitlab off for the snapshot.",
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): running`,
      history,
      `chat.postMessage | reply in ${parent} | :electric_plug: gitlab powered off (graceful shutdown) after 1m 2s.`,
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): running`,
      history,
      `chat.postMessage | reply in ${parent} | :camera: gitlab: snapshot \`lifeboat-weekly-gitlab-20261129T030510Z\` (24.9 GB) done in 24m 40s.`,
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): running`,
      history,
      `chat.postMessage | reply in ${parent} | :sunrise: gitlab is back on after 25m 50s of downtime; 2 containers restarted.`,
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): running`,
      history,
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): running`,
      history,
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): running`,
      history,
      `chat.postMessage | reply in ${parent} | :wastebasket: retention of snapshots deleted 1, kept 2:\n\`lifeboat-weekly-gitlab-20261025T030000Z\``,
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): running`,
      history,
      `chat.postMessage | reply in ${parent} | Summary of run ${RUN}: incomplete`,
      `chat.update | ${parent} | lifeboat run ${RUN} (weekly): incomplete`,
    ]);

    // One top-level message in the channel; everything else in its thread.
    expect(slack.messages.filter((m) => !m.thread_ts)).toHaveLength(1);
    const final = slack.messages[0];
    const finalText = allText(final);
    expect(finalText).toContain(":warning: incomplete");
    expect(finalText).toContain(":white_check_mark: *gitlab* — succeeded");
    expect(finalText).toContain(":fast_forward: *drone* — skipped");
    expect(finalText).toContain("took 36m");

    const summary = allText(slack.messages.at(-1));
    expect(summary).toContain("downtime: 25m 50s");
    expect(summary).toContain("snapshot: `lifeboat-weekly-gitlab-20261129T030510Z` (24.9 GB)");
    expect(summary).toContain("archives: 2 (2.1 GB)");
    expect(summary).toContain("retention deleted: 1");
    expect(summary).toContain("monthly cost of this plan's backups: $4.41");
    expect(summary).toContain("*drone*: skipped — not in this week's tag");

    const card = allText(slack.messages[1]);
    expect(card).toContain("Approved* by <@U0LIFEBOAT1>");
    expect(card).not.toContain("approval_approve"); // buttons gone once decided
  });

  it("reports each event once, even when EventBridge delivers it twice", async () => {
    const report = reportHandler(slack, logs);
    const [started, requested] = fullRun();
    await report(delivery(started!));
    await report(delivery(requested!));
    const before = slack.calls.length;
    await report(delivery(requested!));
    expect(slack.calls.slice(before).map((c) => c.method)).toEqual(["conversations.history"]);
    expect(slack.messages).toHaveLength(2);
  });

  it("says in plain words what failed and what lifeboat did about it", async () => {
    const report = reportHandler(slack, logs);
    for (const event of failedRun()) await report(delivery(event));
    const parent = slack.messages[0];
    expect(allText(parent)).toContain(":x: failed");
    expect(allText(parent)).toContain("*gitlab* — failed");
    const replies = slack.messages.slice(1).map((m) => allText(m));
    expect(replies[0]).toContain("hard power-off after the shutdown timed out");
    expect(replies[1]).toContain(":warning: these containers did not start again: ssh");
    expect(replies[2]).toContain("gitlab: the run failed during snapshot");
    expect(replies[2]).toContain(
      "*What failed:* DigitalOcean reported the snapshot action as errored after 34 minutes",
    );
    expect(replies[2]).toContain("*What lifeboat did:* powered gitlab back on after the snapshot failed");
  });

  it("heads the thread with run.finished's word, even when one droplet failed on the way", async () => {
    const report = reportHandler(slack, logs);
    const events = fullRun();
    const finished = events.pop() as LifeboatEvent;
    events.push({
      runId: RUN,
      plan: "weekly",
      droplet: "drone",
      at: "2026-11-29T03:35:30Z",
      type: "run.failed",
      phase: "pre hooks",
      error: "hook `pg_dump` exited 1",
      recovery: "the backup went on without it",
    });
    for (const event of [...events, finished]) await report(delivery(event));
    const parent = allText(slack.messages[0]);
    expect(parent).toContain(`of plan *weekly* — :warning: incomplete`);
    expect(parent).not.toContain(":x: failed");
    expect(allText(slack.messages.at(-1))).toContain(`*Summary of run* \`${RUN}\` — incomplete`);
  });

  it("ignores deliveries that are not lifeboat events, and logs why", async () => {
    const report = reportHandler(slack, logs);
    await report({ source: "aws.ec2", "detail-type": "x", detail: {} });
    await report({
      source: "lifeboat",
      "detail-type": "run.exploded",
      detail: { runId: RUN, plan: "weekly", droplet: "*", at: "x" },
    });
    expect(slack.calls).toEqual([]);
    expect(logs.join("\n")).toContain("source is aws.ec2");
    expect(logs.join("\n")).toContain("unknown event type run.exploded");
  });

  it("stays within Block Kit limits for a run with many droplets and deletions", async () => {
    const report = reportHandler(slack, logs);
    const droplets = Array.from({ length: 80 }, (_, i) => `web-${i}`);
    const [started] = fullRun();
    await report(delivery({ ...(started as Extract<typeof started, { type: "run.started" }>), droplets } as never));
    await report(
      delivery({
        runId: RUN,
        plan: "weekly",
        droplet: "*",
        at: "2026-11-29T03:50:00Z",
        type: "retention.applied",
        target: "snapshots",
        kept: [],
        deleted: Array.from({ length: 500 }, (_, i) => `lifeboat-weekly-web-${i}-20250101T030000Z`),
        dryRun: false,
      }),
    );
    await report(
      delivery({
        runId: RUN,
        plan: "weekly",
        droplet: "*",
        at: "2026-11-29T04:00:00Z",
        type: "run.finished",
        outcome: "succeeded",
        durationSeconds: 3600,
        summary: droplets.map((d) => ({ droplet: d, outcome: "succeeded" as const, detail: "ok" })),
      }),
    );
    for (const m of slack.messages) {
      const blocks = (m.blocks ?? []) as Array<{ text?: { text: string } }>;
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
    expect(allText(slack.messages.at(-2))).toContain("… and 490 more");
    expect(allText(slack.messages.at(-1))).toContain("more blocks left out");
    expect(JSON.stringify(slack.calls)).not.toContain(BOT_TOKEN);
  });
});

describe("report thread of a dry run", () => {
  it("says on the parent and the summary that nothing was changed, with what a run would do", async () => {
    const report = reportHandler(slack, logs);
    const at = (s: string) => ({ runId: RUN, plan: "weekly", droplet: "*", at: `2026-11-29T03:00:0${s}Z` });
    const detail = "dry run, nothing changed: would power off for ~24m 11s, snapshot lifeboat-weekly-gitlab-x";
    await report(delivery({ ...at("0"), type: "run.started", trigger: "slack", droplets: ["gitlab"], dryRun: true }));
    await report(
      delivery({
        ...at("5"),
        type: "run.finished",
        outcome: "succeeded",
        durationSeconds: 5,
        summary: [{ droplet: "gitlab", outcome: "succeeded", detail }],
        dryRun: true,
      }),
    );
    const texts = trail();
    expect(texts.some((t) => t.includes(`lifeboat dry run (nothing changed) ${RUN} (weekly)`))).toBe(true);
    const summary = slack.calls.find((c) => (c.body as { text?: string }).text?.startsWith("Summary of"));
    expect(allText(summary?.body as { text?: string })).toContain(`Summary of dry run (nothing changed) ${RUN}`);
    expect(allText(summary?.body as { text?: string; blocks?: unknown[] })).toContain("would power off for ~24m 11s");
  });
});
