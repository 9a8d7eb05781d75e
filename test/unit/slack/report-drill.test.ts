/** A restore drill's thread: drill events → the parent per droplet and a result reply per droplet. */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parentMessage, replyFor } from "../../../packages/slack/src/report/render";
import { applyEvent, emptyRunState } from "../../../packages/slack/src/report/state";
import { DRILL, drillFailed, drillOfTwo, drillPassed, drillStarted } from "./fakes/drill-events";
import { delivery } from "./fakes/events";
import { reportHandler } from "./fakes/report-setup";
import { type SlackServer, startSlackServer } from "./fakes/slack-server";

const allText = (m: { text?: string; blocks?: unknown[] } | undefined) =>
  `${m?.text}\n${JSON.stringify(m?.blocks ?? [])}`;

describe("drill report thread (through the report handler)", () => {
  let slack: SlackServer;
  let logs: string[];
  beforeEach(async () => {
    slack = await startSlackServer();
    logs = [];
  });
  afterEach(() => slack.close());

  it("keeps one thread per drill: the parent per droplet, a reply with each droplet's result", async () => {
    const report = reportHandler(slack, logs);
    for (const event of drillOfTwo()) await report(delivery(event));

    expect(slack.messages.filter((m) => !m.thread_ts)).toHaveLength(1);
    const parent = allText(slack.messages[0]);
    expect(slack.messages[0]?.text).toBe(`lifeboat restore drill ${DRILL} (weekly): failed`);
    expect(parent).toContain(`*lifeboat restore drill* \`${DRILL}\` of plan *weekly* — :x: failed`);
    expect(parent).toContain(
      ":white_check_mark: *gitlab* — passed: `lifeboat-weekly-gitlab-20261129T030510Z`, restored in 6m 12s, cost $0.0041",
    );
    expect(parent).toContain(":x: *drone* — failed: `lifeboat-weekly-drone-20261129T031500Z`, cost $0.0054");
    expect(parent).toContain("trigger: schedule");

    const replies = slack.messages.filter((m) => m.thread_ts).map(allText);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toContain(":white_check_mark: *Drill of gitlab passed* — snapshot `lifeboat-weekly-gitlab-");
    expect(replies[1]).toContain(":x: *Drill of drone failed*");
  });

  it("while it runs, the parent shows the scratch droplet's size and hourly price", async () => {
    const report = reportHandler(slack, logs);
    await report(delivery({ ...drillStarted(), trigger: "slack", requestedBy: "U0LIFEBOAT1" }));
    const parent = allText(slack.messages[0]);
    expect(parent).toContain("of plan *weekly* — running");
    expect(parent).toContain(
      ":hourglass_flowing_sand: *gitlab* — running: scratch droplet from `lifeboat-weekly-gitlab-20261129T030510Z` (s-2vcpu-4gb, $0.036/h)",
    );
    expect(parent).toContain("started from Slack by <@U0LIFEBOAT1>");
  });

  it("reports each drill event once, even when EventBridge delivers it twice", async () => {
    const report = reportHandler(slack, logs);
    await report(delivery(drillStarted()));
    await report(delivery(drillPassed()));
    const before = slack.calls.length;
    await report(delivery(drillPassed()));
    expect(slack.calls.slice(before).map((c) => c.method)).toEqual(["conversations.history"]);
    expect(slack.messages).toHaveLength(2);
  });
});

describe("drill rendering (pure)", () => {
  it("a passed drill: every check ✓ with its reason, the RTO, the cost, the scratch droplet destroyed", () => {
    const text = allText(replyFor(drillPassed()));
    expect(text).toContain("*Checks* (3 of 3 passed)");
    expect(text).toContain(":white_check_mark: containers running again: gitlab, redis — 2 of 2 running");
    expect(text).toContain(
      ":white_check_mark: volume gitlab-data restored — 18,204 files, sha256 matches the manifest",
    );
    expect(text).toContain("*Restore time (RTO):* 6m 12s (snapshot → scratch droplet active → checks passed)");
    expect(text).toContain("*Cost:* $0.0041");
    expect(text).toContain("*Scratch droplet:* destroyed");
    expect(replyFor(drillPassed())?.text).toBe(
      "Drill of gitlab passed: snapshot lifeboat-weekly-gitlab-20261129T030510Z, restored in 6m 12s, cost $0.0041",
    );
  });

  it("a failed drill: what failed, the failing check ✗ with its reason (escaped), no RTO", () => {
    const text = allText(replyFor(drillFailed()));
    expect(text).toContain("*What failed:* 1 of 2 checks failed");
    expect(text).toContain("*Checks* (1 of 2 passed)");
    expect(text).toContain(
      ":x: test -s /srv/drone/db &amp;&amp; echo ok &gt; /dev/null — exit 1 after 0.1s: &lt;no output&gt; &amp; nothing on stderr",
    );
    expect(text).toContain("*Restore time (RTO):* none: the drill ended before every check passed");
  });

  it("a kept scratch droplet: says so, that it is billed, and how to destroy it", () => {
    const reply = replyFor(drillFailed(false));
    const text = allText(reply);
    expect(text).toContain(":warning: *not destroyed* (kept with --keep, or destroying it failed)");
    expect(text).toContain("doctl compute droplet list --tag-name lifeboat-drill");
    expect(text).toContain("doctl compute droplet delete <id>");
    expect(reply?.text).toContain("scratch droplet NOT destroyed");
    let state = emptyRunState(DRILL, "weekly");
    for (const event of [drillStarted("drone"), drillFailed(false)]) state = applyEvent(state, event);
    expect(allText(parentMessage(state))).toContain(":warning: scratch droplet not destroyed");
  });

  it("a drill.started delivered after the result does not turn the droplet back to running", () => {
    let state = emptyRunState(DRILL, "weekly");
    for (const event of [drillPassed(), drillStarted()]) state = applyEvent(state, event);
    expect(state.drills?.gitlab).toMatchObject({ status: "passed", sizeSlug: "s-2vcpu-4gb", restoreSeconds: 372 });
    expect(parentMessage(state).text).toBe(`lifeboat restore drill ${DRILL} (weekly): passed`);
  });

  it("a drill that started gets no reply of its own (the parent shows it)", () => {
    expect(replyFor(drillStarted())).toBeUndefined();
  });
});
