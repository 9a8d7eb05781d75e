/**
 * The `/lifeboat` listener's work, done before the ack (so within Slack's 3 s): parse,
 * check plan names and permissions from the config, and either answer at once (help, run,
 * pause, resume — one quick AWS call at most) or hand the command to a deferred run.
 */
import { findPlan, unknownPlanMessage } from "@lifeboat/core";
import type { SlackDeps } from "../deps";
import { problemMessage, type SlackMessage } from "../message";
import { isApprover, notApproverProblem, powersOff } from "../plans";
import { DEFERRED_KIND } from "./deferred-work";
import { DRILL_ACTION, drillRefusedEarly } from "./drill";
import { type Command, helpText, parseCommand, USAGE } from "./parse";
import { verifyAtOnce } from "./verify";

export interface CommandRequest {
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
}

/** The plan a command names, if it names one. */
function planOf(command: Command): string | undefined {
  return "plan" in command ? command.plan : undefined;
}

export async function handleCommand(request: CommandRequest, deps: SlackDeps): Promise<SlackMessage> {
  const parsed = parseCommand(request.text);
  if (!parsed.ok) return problemMessage(parsed.problem, parsed.usage);
  const command = parsed.command;
  if (command.name === "help") return { text: helpText() };

  const planName = planOf(command);
  const plan = planName === undefined ? undefined : findPlan(deps.config, planName);
  if (planName !== undefined && !plan)
    return problemMessage(unknownPlanMessage(deps.config, planName), USAGE[command.name]);

  const user = request.userId;
  if (plan && !isApprover(plan, user)) {
    const refusal =
      command.name === "run" && !command.dryRun && powersOff(plan)
        ? "start a run that powers droplets off"
        : command.name === "retention" && !command.dryRun
          ? "apply retention (it deletes snapshots and archives); `--dry-run` only shows what it would do"
          : command.name === "drill"
            ? DRILL_ACTION
            : undefined;
    if (refusal) {
      deps.logger.warn(`refused /lifeboat ${command.name} ${plan.name} from ${user}: not an approver`);
      return problemMessage(notApproverProblem(plan, refusal));
    }
  }

  if (command.name === "drill" && !plan) {
    const refusal = drillRefusedEarly(deps.config, user);
    if (refusal) {
      deps.logger.warn(`refused /lifeboat drill ${command.droplet} from ${user}: approves no plan`);
      return refusal;
    }
  }

  if (command.name === "run" && command.droplet === undefined) {
    const result = await deps.startRun({
      plan: command.plan,
      trigger: "slack",
      requestedBy: user,
      ...(command.dryRun ? { dryRun: true } : {}),
    });
    return result.started
      ? {
          text: `<@${user}> started ${command.dryRun ? "a dry run (it changes nothing)" : "run"} \`${result.runId}\` of plan *${command.plan}*; its report follows in a thread.`,
          inChannel: true,
        }
      : problemMessage(`run \`${result.runId}\` was not started: ${result.reason}; try again in a second`);
  }
  if (command.name === "pause" || command.name === "resume") {
    const schedule = deps.schedules.scheduleName(command.plan);
    if (command.name === "pause") await deps.schedules.pause(command.plan);
    else await deps.schedules.resume(command.plan);
    deps.logger.info(`${command.name} of plan ${command.plan} (schedule ${schedule}) by ${user}`);
    return {
      text:
        command.name === "pause"
          ? `<@${user}> paused plan *${command.plan}*: its schedule \`${schedule}\` is off until \`/lifeboat resume ${command.plan}\`.`
          : `<@${user}> resumed plan *${command.plan}*: its schedule \`${schedule}\` is on again.`,
      inChannel: true,
    };
  }

  if (command.name === "verify") {
    const started = await verifyAtOnce(command, user, deps);
    if (started) return started;
  }

  await deps.defer({
    kind: DEFERRED_KIND,
    command,
    userId: user,
    channelId: request.channelId,
    responseUrl: request.responseUrl,
  });
  return { text: `:hourglass_flowing_sand: \`/lifeboat ${request.text.trim()}\`: looking it up…` };
}
