/**
 * The approval buttons (Approve / Postpone 1 h / Skip / Live snapshot instead).
 *
 * Who counts: only the plan's approvers from lifeboat.config.ts; anyone else gets an
 * ephemeral refusal and the attempt is logged.
 * First decision wins, across Lambda invocations, because the durable callback accepts one
 * answer only: a later click (a double click, or a second approver whose client still shows
 * the buttons) gets CallbackTimeoutException for its SendDurableExecutionCallbackSuccess.
 * That click then re-reads the card from Slack — a decided card carries the decision and
 * the decider in a block id — to tell the clicker who decided, or, past the deadline, shows
 * the timeout. No store of our own is needed. (The card the click arrived with is checked
 * first, a cheap guard should Slack send it already decided.)
 */
import { type ApprovalDecision, findPlan, isApprovalAnswer } from "@lifeboat/core";
import type { App, BlockButtonAction } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { SlackDeps } from "../deps";
import { isApprover, notApproverProblem } from "../plans";
import { APPROVAL_ACTIONS, approvalCard, type CardInfo, type Decided, parseCardInfo, readDecision } from "./card";

const ACTION_PATTERN = new RegExp(`^(${Object.values(APPROVAL_ACTIONS).join("|")})$`);

const DECISION_NAMES: Record<Decided["decision"], string> = {
  approve: "approved",
  postpone: "postponed by 1 h",
  skip: "skipped",
  live: "switched to a live snapshot",
  timeout: "timed out",
};

/** The card as it is now in Slack (a thread reply: read through conversations.replies). */
async function currentDecision(client: WebClient, channel: string, threadTs: string, ts: string) {
  const res = await client.conversations.replies({
    channel,
    ts: threadTs,
    oldest: ts,
    latest: ts,
    inclusive: true,
    limit: 1,
  });
  const card = res.messages?.find((m) => m.ts === ts);
  return readDecision(card?.blocks as Array<{ block_id?: string }> | undefined);
}

function alreadyText(d: Decided): string {
  return d.by
    ? `This approval was already answered: <@${d.by}> ${DECISION_NAMES[d.decision]} it. Your click changed nothing.`
    : `This approval is closed: it ${DECISION_NAMES[d.decision]}. Your click changed nothing.`;
}

/** Registers the four approval buttons on the app. */
export function registerApprovalActions(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(ACTION_PATTERN, async ({ action, body, ack, respond, client }) => {
    await ack();
    const user = body.user.id;
    const ephemeral = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const info: CardInfo | undefined = parseCardInfo(action.value);
    const plan = info && findPlan(deps.config, info.plan);
    if (!info || !plan) {
      deps.logger.warn(`approval click by ${user} on a card lifeboat cannot read (action ${action.action_id})`);
      await ephemeral("This card is not one lifeboat can read any more (unknown plan); nothing was done.");
      return;
    }
    if (!isApprover(plan, user)) {
      deps.logger.warn(
        `approval click refused: ${user} is not an approver of plan ${plan.name} (run ${info.runId}, ${info.droplet})`,
      );
      await ephemeral(`:no_entry: ${notApproverProblem(plan, "answer this approval")}. Your click was not counted.`);
      return;
    }
    const shown = readDecision(body.message?.blocks as Array<{ block_id?: string }> | undefined);
    if (shown) {
      await ephemeral(alreadyText(shown));
      return;
    }
    const decision = action.action_id.replace("approval_", "") as ApprovalDecision;
    const answer = { decision, by: user };
    if (!isApprovalAnswer(answer)) throw new Error(`unexpected approval action ${action.action_id}`);

    const channel = body.channel?.id ?? deps.config.slack?.channel;
    const ts = body.message?.ts;
    const result = await deps.answerApproval(info.callbackId, answer);
    const approvers = plan.snapshot.approval.approvers;
    if (result === "accepted") {
      deps.logger.info(`approval ${decision} by ${user} for ${info.droplet} in run ${info.runId}`);
      if (channel && ts)
        await client.chat.update({ channel, ts, ...approvalCard(info, deps.now(), approvers, answer) });
      return;
    }
    // Closed: someone else answered first, or the wait timed out.
    const now = deps.now();
    const current =
      channel && ts ? await currentDecision(client, channel, body.message?.thread_ts ?? ts, ts) : undefined;
    if (current) {
      await ephemeral(alreadyText(current));
    } else if (now.getTime() >= Date.parse(info.expiresAt)) {
      const timedOut: Decided = { decision: "timeout" };
      if (channel && ts) await client.chat.update({ channel, ts, ...approvalCard(info, now, approvers, timedOut) });
      await ephemeral(`Too late: ${alreadyText(timedOut)}`);
    } else {
      await ephemeral(
        "This approval was answered moments before your click; the card will show the decision. Your click changed nothing.",
      );
    }
    deps.logger.info(
      `approval ${decision} by ${user} for ${info.droplet} in run ${info.runId} came after the callback closed`,
    );
  });
}
