/**
 * The approval card end to end: the report function posts it for `approval.requested`, the
 * Slack function takes the clicks, the durable callback (loopback Lambda) takes one answer.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approvalRequested, delivery, fullRun, RUN } from "./fakes/events";
import { reportHandler } from "./fakes/report-setup";
import { actionBody, apiGatewayEvent } from "./fakes/requests";
import { type SlackWorld, slackWorld } from "./fakes/setup";
import type { StoredMessage } from "./fakes/slack-server";

let world: SlackWorld;
let clock: Date;
beforeEach(async () => {
  clock = new Date("2026-11-29T03:10:00Z");
  world = await slackWorld({ now: () => clock });
});
afterEach(() => world.close());

/** Posts a run and its approval card; returns the card message as stored in Slack. */
async function postCard(callbackId: string): Promise<StoredMessage> {
  const report = reportHandler(world.slack, world.logs, () => clock);
  await report(delivery(fullRun()[0]!));
  await report(delivery(approvalRequested(callbackId)));
  const card = world.slack.messages.find((m) => JSON.stringify(m.blocks ?? []).includes(callbackId));
  if (!card) throw new Error("no card posted");
  return structuredClone(card);
}

function buttonValue(card: StoredMessage, actionId: string): string {
  const actions = (card.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find(
    (b) => b.type === "actions",
  );
  const button = actions?.elements?.find((e) => e.action_id === actionId);
  if (!button) throw new Error(`no ${actionId} button`);
  return button.value;
}

/** A click as Slack sends it: with the card as the clicker's client shows it. */
async function click(card: StoredMessage, actionId: string, user: string) {
  const before = world.slack.calls.length;
  const body = actionBody({
    user,
    actionId,
    value: buttonValue(card, actionId),
    responseUrl: world.slack.responseUrl("click"),
    message: { ts: card.ts, thread_ts: card.thread_ts as string, blocks: card.blocks as unknown[] },
  });
  const res = await world.handler(apiGatewayEvent(body), {});
  expect(res?.statusCode).toBe(200);
  const calls = world.slack.calls.slice(before);
  return {
    ephemeral: calls
      .filter((c) => c.method === "response_url")
      .map((c) => c.body as { text: string; response_type: string }),
    updates: calls
      .filter((c) => c.method === "chat.update")
      .map((c) => c.body as { ts: string; text: string; blocks: unknown[] }),
  };
}

const stored = (ts: string) => world.slack.messages.find((m) => m.ts === ts)!;

describe("approval card", () => {
  it("shows droplet, plan, expected downtime, time left and the four buttons", async () => {
    const card = await postCard("cb-1");
    const text = JSON.stringify(card.blocks);
    expect(card.thread_ts).toBe(world.slack.messages[0]!.ts);
    expect(text).toContain("*Droplet:* gitlab (id 3164444)");
    expect(text).toContain(`*Plan:* weekly, run \`${RUN}\``);
    expect(text).toContain("*Expected downtime:* about 25m");
    expect(text).toContain("*Time left:* 1h 50m");
    expect(text).toContain("lifeboat takes a live snapshot without powering off");
    for (const label of ["Approve", "Postpone 1 h", "Skip", "Live snapshot instead"])
      expect(text).toContain(`"text":"${label}"`);
  });

  it("an approver's click answers the durable callback and updates the card in place", async () => {
    const card = await postCard("cb-2");
    const { updates, ephemeral } = await click(card, "approval_postpone", "U0LIFEBOAT2");
    expect(world.aws.callbackAnswers).toEqual([
      { callbackId: "cb-2", result: { decision: "postpone", by: "U0LIFEBOAT2" }, accepted: true },
    ]);
    expect(ephemeral).toEqual([]);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.ts).toBe(card.ts);
    const now = JSON.stringify(stored(card.ts).blocks);
    expect(now).toContain("*Postponed 1 h* by <@U0LIFEBOAT2>");
    expect(now).not.toContain("approval_approve");
  });

  it("a non-approver's click is refused ephemerally, logged, and not counted", async () => {
    const card = await postCard("cb-3");
    const { ephemeral, updates } = await click(card, "approval_approve", "U0OUTSIDER");
    expect(world.aws.callbackAnswers).toEqual([]);
    expect(updates).toEqual([]);
    expect(ephemeral).toEqual([
      expect.objectContaining({
        response_type: "ephemeral",
        text: expect.stringContaining(
          'only the approvers of plan "weekly" (<@U0LIFEBOAT1>, <@U0LIFEBOAT2>) may answer this approval',
        ),
      }),
    ]);
    expect(world.logs.join("\n")).toContain("approval click refused: U0OUTSIDER is not an approver of plan weekly");
    expect(JSON.stringify(stored(card.ts).blocks)).toContain("approval_approve");
  });

  it("double click: the first decision wins and the later click is told who decided", async () => {
    const card = await postCard("cb-4");
    await click(card, "approval_approve", "U0LIFEBOAT1");
    // Second approver's client still showed the undecided card: the callback refuses, Slack is re-read.
    const late = await click(card, "approval_skip", "U0LIFEBOAT2");
    expect(world.aws.callbackAnswers.map((a) => a.accepted)).toEqual([true, false]);
    expect(late.updates).toEqual([]);
    expect(late.ephemeral[0]?.text).toBe(
      "This approval was already answered: <@U0LIFEBOAT1> approved it. Your click changed nothing.",
    );
    expect(JSON.stringify(stored(card.ts).blocks)).toContain("*Approved* by <@U0LIFEBOAT1>");
  });

  it("a click after the timeout changes nothing and the card shows the timeout outcome", async () => {
    const card = await postCard("cb-5");
    world.aws.timeOut("cb-5");
    clock = new Date("2026-11-29T05:00:06Z");
    const { ephemeral, updates } = await click(card, "approval_approve", "U0LIFEBOAT1");
    expect(world.aws.callbackAnswers).toEqual([
      { callbackId: "cb-5", result: { decision: "approve", by: "U0LIFEBOAT1" }, accepted: false },
    ]);
    expect(ephemeral[0]?.text).toContain("Too late: This approval is closed: it timed out.");
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(stored(card.ts).blocks)).toContain("*Nobody answered*");

    // The routine's approval.decided (timeout) reaches the report function: same card, same words.
    const report = reportHandler(world.slack, world.logs, () => clock);
    await report(
      delivery({
        runId: RUN,
        plan: "weekly",
        droplet: "gitlab",
        at: "2026-11-29T05:00:05Z",
        type: "approval.decided",
        callbackId: "cb-5",
        decision: "timeout",
        outcome: "live",
      }),
    );
    const text = JSON.stringify(stored(card.ts).blocks);
    expect(text).toContain("*Nobody answered* by");
    expect(text).toContain("lifeboat takes a live snapshot without powering off");
    expect(JSON.stringify(world.slack.messages[0]!.blocks)).toContain("*gitlab* — no answer: live");
  });
});
