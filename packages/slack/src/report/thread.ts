/**
 * Keeps one Slack thread per run. The thread is found again in each Lambda invocation by
 * the parent message's metadata (`event_type: "lifeboat_run"`, `run_id`), read with
 * `conversations.history` + `include_all_metadata`; the same metadata holds the run's report
 * state. So Slack is the only store, and the thread survives redeploys.
 * Run the report function with reserved concurrency 1: two invocations for the same new run
 * at once could otherwise both start a thread.
 */
import {
  EVENT_TYPES as ALL_EVENT_TYPES,
  EVENT_SOURCE,
  findPlan,
  type LifeboatConfig,
  type LifeboatEvent,
} from "@lifeboat/core";
import type { Logger } from "@slack/logger";
import type { WebClient } from "@slack/web-api";
import { approvalCard, cardInfoOf } from "../approval/card";
import type { SlackMessage } from "../message";
import { parentMessage, replyFor, summaryMessage } from "./render";
import { applyEvent, emptyRunState, eventKey, type RunState } from "./state";

export const RUN_METADATA_TYPE = "lifeboat_run";
/** How many pages of 200 channel messages are searched for a run's thread. */
const MAX_HISTORY_PAGES = 5;

export interface ReportDeps {
  client: WebClient;
  channel: string;
  config: LifeboatConfig;
  logger: Logger;
  now: () => Date;
}

/** The run's thread: parent ts and saved state; undefined when it has none yet. */
export async function findRunThread(
  client: WebClient,
  channel: string,
  runId: string,
): Promise<{ ts: string; state: RunState } | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const res = await client.conversations.history({
      channel,
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const m of res.messages ?? []) {
      const meta = m.metadata as
        | { event_type?: string; event_payload?: { run_id?: string; state?: string } }
        | undefined;
      if (
        meta?.event_type === RUN_METADATA_TYPE &&
        meta.event_payload?.run_id === runId &&
        m.ts &&
        meta.event_payload.state
      ) {
        return { ts: m.ts, state: JSON.parse(meta.event_payload.state) as RunState };
      }
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return undefined;
}

function metadataOf(state: RunState) {
  return { event_type: RUN_METADATA_TYPE, event_payload: { run_id: state.runId, state: JSON.stringify(state) } };
}

/**
 * Reports one event into its run's thread: replies first, then the parent (with the new
 * state) last, so a retried delivery after a failure finds the event not yet marked seen.
 */
export async function reportEvent(event: LifeboatEvent, deps: ReportDeps): Promise<void> {
  const { client, channel } = deps;
  const found = await findRunThread(client, channel, event.runId);
  const before = found?.state ?? emptyRunState(event.runId, event.plan);
  if (before.seen.includes(eventKey(event))) {
    deps.logger.info(`event ${event.type} of ${event.runId} already reported; skipped`);
    return;
  }
  const state = applyEvent(before, event);
  // A poll changes only the parent. One that would leave it as it is (a repeat, a poll older
  // than what is shown, a stalled job) costs no update: Slack limits chat.update per channel.
  if (event.type === "archive.progress" && found && sameMessage(parentMessage(before), parentMessage(state))) {
    deps.logger.info(`archive.progress of ${event.droplet} in ${event.runId} changes nothing shown; not updated`);
    return;
  }
  let threadTs = found?.ts;
  if (!threadTs) {
    const posted = await client.chat.postMessage({
      channel,
      ...toArgs(parentMessage(state)),
      metadata: metadataOf(state),
    });
    threadTs = posted.ts as string;
    if (event.type === "archive.progress") return; // posted with this poll's state already
  }
  const reply = (message: SlackMessage) =>
    client.chat.postMessage({ channel, thread_ts: threadTs, ...toArgs(message) });

  if (event.type === "approval.requested") {
    const info = cardInfoOf(event);
    const posted = await reply(approvalCard(info, deps.now(), event.approvers));
    state.cards[event.callbackId] = { ts: posted.ts as string, info };
  } else if (event.type === "approval.decided") {
    const card = state.cards[event.callbackId];
    const decided = event.decidedBy ? { decision: event.decision, by: event.decidedBy } : { decision: event.decision };
    if (card) await client.chat.update({ channel, ts: card.ts, ...approvalCard(card.info, deps.now(), [], decided) });
    else deps.logger.warn(`approval.decided for ${event.callbackId} in ${event.runId}: no card found to update`);
  } else if (event.type === "run.finished") {
    await reply(summaryMessage(state));
  } else {
    const message = replyFor(event);
    if (message) await reply(message);
  }
  await client.chat.update({ channel, ts: threadTs, ...toArgs(parentMessage(state)), metadata: metadataOf(state) });
}

function sameMessage(a: SlackMessage, b: SlackMessage): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function toArgs(message: { text: string; blocks?: SlackMessage["blocks"] }) {
  return { text: message.text, ...(message.blocks ? { blocks: message.blocks } : {}) };
}

/** An EventBridge delivery as Lambda receives it. */
export interface EventBridgeDelivery {
  source?: string;
  "detail-type"?: string;
  detail?: Record<string, unknown>;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(ALL_EVENT_TYPES);

/** The lifeboat event in a delivery, or a reason it is not one. */
export function eventOf(delivery: EventBridgeDelivery, config: LifeboatConfig): LifeboatEvent | string {
  if (delivery.source !== EVENT_SOURCE) return `source is ${String(delivery.source)}, not ${EVENT_SOURCE}`;
  const detail = { ...delivery.detail, type: delivery.detail?.type ?? delivery["detail-type"] } as Record<
    string,
    unknown
  >;
  if (!EVENT_TYPES.has(String(detail.type))) return `unknown event type ${String(detail.type)}`;
  for (const key of ["runId", "plan", "droplet", "at"]) {
    if (typeof detail[key] !== "string") return `${String(detail.type)} has no ${key}`;
  }
  // A verify of a droplet or of every plan is filed under no one plan: "*".
  const anyPlan = detail.type === "verify.finished" && detail.plan === "*";
  if (!anyPlan && !findPlan(config, String(detail.plan)))
    return `plan ${String(detail.plan)} is not in lifeboat.config.ts`;
  return detail as unknown as LifeboatEvent;
}

/**
 * The report function's handler: one EventBridge delivery → the run's thread.
 * @example export const handler = createReportHandler({ client, channel, config, logger, now: () => new Date() });
 */
export function createReportHandler(deps: ReportDeps) {
  return async (delivery: EventBridgeDelivery): Promise<void> => {
    const event = eventOf(delivery, deps.config);
    if (typeof event === "string") {
      deps.logger.warn(`report: ignored a delivery: ${event}`);
      return;
    }
    await reportEvent(event, deps);
  };
}
