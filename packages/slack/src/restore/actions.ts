/**
 * Restore buttons: "Restore…" on an option from `/lifeboat restore <droplet>` asks for a
 * confirmation; "Confirm restore" starts it (approvers of one of the droplet's plans only);
 * "Cancel" drops it. Each step replaces the ephemeral message in place.
 */
import { findPlan } from "@lifeboat/core";
import type { App, BlockButtonAction } from "@slack/bolt";
import { section } from "../blocks";
import { RESTORE_CHOOSE } from "../commands/views";
import type { SlackDeps } from "../deps";
import { isApprover } from "../plans";
import { backupRestorePrompt, backupRestoreStarted } from "./backup-confirm";

export const RESTORE_CONFIRM = "restore_confirm";
export const RESTORE_CANCEL = "restore_cancel";

interface Choice {
  droplet: string;
  id: string;
  label: string;
  kind: string;
}

function parseChoice(value: string | undefined): Choice | undefined {
  try {
    const c = JSON.parse(value ?? "") as Choice;
    return typeof c.droplet === "string" && typeof c.id === "string" ? c : undefined;
  } catch {
    return undefined;
  }
}

export function registerRestoreActions(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(new RegExp(`^${RESTORE_CHOOSE}:`), async ({ action, ack, respond }) => {
    await ack();
    const choice = parseChoice(action.value);
    if (!choice) return;
    const backup = backupRestorePrompt(choice);
    await respond({
      replace_original: true,
      text: backup?.text ?? `Restore ${choice.kind} ${choice.label} onto ${choice.droplet}?`,
      blocks: [
        section(
          backup?.warning ??
            `:warning: Restore *${choice.kind}* \`${choice.label}\` onto *${choice.droplet}*? What is on the droplet now is replaced by it.`,
        ),
        {
          type: "actions",
          block_id: "lifeboat-restore-confirm",
          elements: [
            {
              type: "button",
              action_id: RESTORE_CONFIRM,
              style: "danger",
              text: { type: "plain_text", text: "Confirm restore" },
              value: action.value ?? "",
              ...(backup?.dialog ? { confirm: backup.dialog } : {}),
            },
            {
              type: "button",
              action_id: RESTORE_CANCEL,
              text: { type: "plain_text", text: "Cancel" },
              value: "cancel",
            },
          ],
        },
      ],
    });
  });

  app.action<BlockButtonAction>(RESTORE_CANCEL, async ({ ack, respond }) => {
    await ack();
    await respond({ replace_original: true, text: "Restore cancelled; nothing was changed." });
  });

  app.action<BlockButtonAction>(RESTORE_CONFIRM, async ({ action, body, ack, respond }) => {
    await ack();
    const user = body.user.id;
    const choice = parseChoice(action.value);
    if (!choice) return;
    const droplet = await deps.backend.findDroplet(choice.droplet);
    const plans = (droplet?.plans ?? []).map((p) => findPlan(deps.config, p)).filter((p) => p !== undefined);
    if (!droplet || !plans.some((p) => isApprover(p, user))) {
      deps.logger.warn(`restore of ${choice.droplet} refused: ${user} is not an approver of its plans`);
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        text: `:no_entry: only the approvers of ${choice.droplet}'s plans (${plans.map((p) => p.name).join(", ") || "none"}) may restore it; nothing was changed. Ask one of them to press Confirm restore.`,
      });
      return;
    }
    const { restoreId } = await deps.backend.startRestore({
      droplet: choice.droplet,
      optionId: choice.id,
      requestedBy: user,
    });
    deps.logger.info(`restore ${restoreId} of ${choice.droplet} from ${choice.id} started by ${user}`);
    await respond({
      replace_original: true,
      text:
        backupRestoreStarted(choice, user, restoreId) ??
        `<@${user}> started restore \`${restoreId}\`: ${choice.kind} \`${choice.label}\` onto ${choice.droplet}. Its progress is reported in the channel.`,
    });
  });
}
