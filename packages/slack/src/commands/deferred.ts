/**
 * The second half of slow commands: runs in the Slack function's own asynchronous
 * invocation, asks the backend, and answers through the command's `response_url`.
 */
import { findPlan } from "@lifeboat/core";
import type { DropletRef } from "../backend";
import type { SlackDeps } from "../deps";
import { problemMessage, type SlackMessage } from "../message";
import { isApprover, notApproverProblem, powersOff } from "../plans";
import type { DeferredWork } from "./deferred-work";
import { answerDrill } from "./drill";
import { USAGE } from "./parse";
import { withRecords } from "./status-records";
import { answerVerify } from "./verify";
import { backupsView, costView, restoreOptionsView, retentionView, statusView } from "./views";

type Lookup = { ok: true; droplet: DropletRef } | { ok: false; message: SlackMessage };

async function lookUpDroplet(name: string, usage: string, deps: SlackDeps): Promise<Lookup> {
  const droplet = await deps.backend.findDroplet(name);
  if (!droplet) return { ok: false, message: problemMessage(`no droplet named "${name}" on this account`, usage) };
  if (droplet.plans.length === 0) {
    return {
      ok: false,
      message: problemMessage(
        `droplet "${name}" is in no lifeboat plan; add it to a plan's droplets in lifeboat.config.ts`,
        usage,
      ),
    };
  }
  return { ok: true, droplet };
}

/** Works out the answer to a deferred command. */
export async function answerDeferred(work: DeferredWork, deps: SlackDeps): Promise<SlackMessage> {
  const { command, userId } = work;
  const now = deps.now();
  switch (command.name) {
    case "status": {
      const plans = command.plan ? [command.plan] : deps.config.plans.map((p) => p.name);
      const executions = await deps.backend.status(plans);
      const statuses = deps.history ? await withRecords(executions, deps.history) : executions;
      const withSchedule = await Promise.all(
        statuses.map(async (s) => ({ ...s, scheduleEnabled: await deps.schedules.isEnabled(s.plan) })),
      );
      return statusView(withSchedule, now);
    }
    case "list": {
      const found = await lookUpDroplet(command.droplet, USAGE.list, deps);
      if (!found.ok) return found.message;
      return backupsView(await deps.backend.listBackups(found.droplet), now);
    }
    case "snapshot":
    case "run": {
      const usage = USAGE[command.name];
      const name = command.droplet;
      if (name === undefined) return problemMessage(`\`run\` without a droplet is answered at once`, usage);
      const found = await lookUpDroplet(name, usage, deps);
      if (!found.ok) return found.message;
      let planName: string;
      if (command.name === "run") {
        if (!found.droplet.plans.includes(command.plan)) {
          return problemMessage(
            `droplet "${name}" is not in plan "${command.plan}"; it is in: ${found.droplet.plans.join(", ")}`,
            usage,
          );
        }
        planName = command.plan;
      } else {
        const snapshotting = found.droplet.plans.filter((p) => findPlan(deps.config, p)?.snapshot.mode !== "none");
        if (snapshotting.length === 0)
          return problemMessage(
            `no plan of "${name}" takes snapshots (plans: ${found.droplet.plans.join(", ")})`,
            usage,
          );
        if (snapshotting.length > 1) {
          return problemMessage(
            `"${name}" is in several plans that take snapshots (${snapshotting.join(", ")}); choose one with ${USAGE.run}`,
            usage,
          );
        }
        planName = snapshotting[0] as string;
      }
      const plan = findPlan(deps.config, planName);
      if (!plan) return problemMessage(`plan "${planName}" is not in lifeboat.config.ts`, usage);
      const dryRun = command.name === "run" && command.dryRun;
      if (!dryRun && powersOff(plan) && !isApprover(plan, userId)) {
        deps.logger.warn(`refused /lifeboat ${command.name} ${name} from ${userId}: not an approver of ${plan.name}`);
        return problemMessage(notApproverProblem(plan, "start a run that powers droplets off"));
      }
      const result = await deps.startRun({
        plan: plan.name,
        droplets: [name],
        trigger: "slack",
        requestedBy: userId,
        ...(dryRun ? { dryRun: true } : {}),
      });
      return result.started
        ? {
            text: `<@${userId}> started ${dryRun ? "a dry run (it changes nothing)" : "run"} \`${result.runId}\` of plan *${plan.name}* for ${name}; its report follows in a thread.`,
            inChannel: true,
          }
        : problemMessage(`run \`${result.runId}\` was not started: ${result.reason}; try again in a second`);
    }
    case "retention": {
      if (command.dryRun) return retentionView(await deps.backend.previewRetention(command.plan));
      const plan = findPlan(deps.config, command.plan);
      if (!plan || !isApprover(plan, userId))
        return problemMessage(`only an approver of "${command.plan}" may apply retention`);
      // One read, one decision: the reply shows exactly what this apply decided and did.
      const applied = await deps.backend.applyRetention(command.plan, userId);
      const view = retentionView(applied);
      const failed = applied.failed.length ? `, could not delete ${applied.failed.length}` : "";
      deps.logger.info(`retention of ${command.plan} applied by ${userId}: ${applied.deleted.length} deleted${failed}`);
      return {
        ...view,
        text: `<@${userId}> applied retention of ${command.plan}: deleted ${applied.deleted.length}${failed}`,
        inChannel: true,
      };
    }
    case "cost":
      return costView(await deps.backend.storageCost());
    case "restore": {
      const found = await lookUpDroplet(command.droplet, USAGE.restore, deps);
      if (!found.ok) return found.message;
      return restoreOptionsView(found.droplet.name, await deps.backend.restoreOptions(found.droplet), now);
    }
    case "drill":
      return answerDrill(command, userId, deps);
    case "verify":
      return answerVerify(command, userId, deps);
    default:
      return problemMessage(`\`${command.name}\` is answered at once, not deferred`);
  }
}

/**
 * Runs deferred work and posts the answer to its `response_url` (5 uses within 30 min).
 * An error becomes a plain message to the user and a log line, never a silent drop.
 */
export async function runDeferred(
  work: DeferredWork,
  deps: SlackDeps,
  post: PostResponse = postResponse,
): Promise<void> {
  let message: SlackMessage;
  try {
    message = await answerDeferred(work, deps);
  } catch (error) {
    deps.logger.error(`/lifeboat ${work.command.name} failed: ${(error as Error).message}`);
    message = problemMessage(`\`${work.command.name}\` failed: ${(error as Error).message}`);
  }
  await post(work.responseUrl, message);
}

export type PostResponse = (url: string, message: SlackMessage) => Promise<void>;

/** POSTs a message to a Slack `response_url`. */
export const postResponse: PostResponse = async (url, message) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({
      response_type: message.inChannel ? "in_channel" : "ephemeral",
      replace_original: false,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    }),
  });
  if (!res.ok) throw new Error(`Slack refused the response_url post: HTTP ${res.status}`);
};
