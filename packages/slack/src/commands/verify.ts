/**
 * `/lifeboat verify [plan|droplet] [--read-data[=FRACTION]]`: anyone may ask (it only reads).
 * It does not run here: reading archives back takes longer than the Slack function may run,
 * so it starts `backup-run` with a VerifyRequest and answers at once; the result comes as a
 * `verify.finished` event, which the report posts in a thread of its own.
 * A plan's name (or none) starts at once, within Slack's 3 s. Any other name is looked up
 * first in the deferred half, so a mistyped one is answered with what the names are.
 */
import { findPlan, UnknownVerifyTarget } from "@lifeboat/core";
import type { SlackDeps } from "../deps";
import { problemMessage, type SlackMessage } from "../message";
import { type Command, USAGE } from "./parse";

type VerifyCommand = Extract<Command, { name: "verify" }>;

/** The fast half: started now when no droplet has to be looked up; undefined to defer. */
export async function verifyAtOnce(
  command: VerifyCommand,
  userId: string,
  deps: SlackDeps,
): Promise<SlackMessage | undefined> {
  if (command.target !== undefined && !findPlan(deps.config, command.target)) return undefined;
  return startVerify(command, userId, deps);
}

/** The deferred half, for a name that is no plan: a droplet on the account, or a problem naming what is. */
export async function answerVerify(command: VerifyCommand, userId: string, deps: SlackDeps): Promise<SlackMessage> {
  const target = command.target;
  if (target !== undefined && !findPlan(deps.config, target) && !(await deps.backend.findDroplet(target))) {
    return problemMessage(new UnknownVerifyTarget(target, deps.config).message, USAGE.verify);
  }
  return startVerify(command, userId, deps);
}

async function startVerify(command: VerifyCommand, userId: string, deps: SlackDeps): Promise<SlackMessage> {
  const result = await deps.startVerify({
    kind: "verify",
    ...(command.target !== undefined ? { target: command.target } : {}),
    readData: command.readData,
    trigger: "slack",
    requestedBy: userId,
  });
  if (!result.started) {
    return problemMessage(`verify \`${result.runId}\` was not started: ${result.reason}; try again in a second`);
  }
  deps.logger.info(`verify ${result.runId} of ${command.target ?? "every plan"} started by ${userId}`);
  return {
    text: `<@${userId}> is verifying ${whatText(command)} as \`${result.runId}\`: ${whereText(deps)}`,
    inChannel: true,
  };
}

function whatText(command: VerifyCommand): string {
  const what = command.target === undefined ? "every plan's backups" : `the backups of *${command.target}*`;
  const read =
    command.readData > 0
      ? `, reading back ${Math.round(command.readData * 100)}% of the archives`
      : " (manifests, sizes, duplicity chain, latest snapshot)";
  return `${what}${read}`;
}

/** Where the result will be: the report's channel (`slack.channel`), in a thread of the verify's own. */
function whereText(deps: SlackDeps): string {
  const channel = deps.config.slack?.channel;
  return `I'll post the result in a thread${channel ? ` in <#${channel}>` : ""} when it is done.`;
}
