/**
 * The confirmation step for restores from DO backups (#16 §1). A new droplet from a backup
 * leaves the droplet as it is; "in place" overwrites it, so its Confirm button also opens
 * Slack's confirm dialog (a second, explicit yes) before the approver check runs.
 */
import type { ConfirmationDialog } from "@slack/types";

export interface RestorePrompt {
  text: string;
  warning: string;
  dialog?: ConfirmationDialog;
}

/** The prompt for a DO backup option; undefined for the other kinds (their prompt is unchanged). */
export function backupRestorePrompt(choice: {
  droplet: string;
  label: string;
  kind: string;
}): RestorePrompt | undefined {
  if (choice.kind === "backup") {
    return {
      text: `Create a new droplet from DO backup ${choice.label} of ${choice.droplet}?`,
      warning: `Create a *new droplet* from DO backup \`${choice.label}\` of *${choice.droplet}*? ${choice.droplet} stays as it is; the new droplet is billed until it is destroyed.`,
    };
  }
  if (choice.kind === "backup-in-place") {
    return {
      text: `Overwrite ${choice.droplet} with DO backup ${choice.label}?`,
      warning: `:warning: *Overwrite ${choice.droplet}* with DO backup \`${choice.label}\`? Everything written on it since that backup is lost; this cannot be undone. Approvers only.`,
      dialog: {
        title: { type: "plain_text", text: "Overwrite the droplet?" },
        text: {
          type: "plain_text",
          text: `${choice.droplet} is overwritten by backup ${choice.label}. Everything written since is lost.`.slice(
            0,
            300,
          ),
        },
        confirm: { type: "plain_text", text: "Overwrite it" },
        deny: { type: "plain_text", text: "Keep it" },
        style: "danger",
      },
    };
  }
  return undefined;
}

/** What a started DO backup restore says (DigitalOcean does the work; no thread follows it). */
export function backupRestoreStarted(
  choice: { droplet: string; label: string; kind: string },
  user: string,
  restoreId: string,
): string | undefined {
  if (choice.kind === "backup")
    return `<@${user}> started restore \`${restoreId}\`: a new droplet from DO backup \`${choice.label}\` of ${choice.droplet}, beside it; \`/lifeboat list\` and the control panel show it once it is active. It is billed until destroyed.`;
  if (choice.kind === "backup-in-place")
    return `<@${user}> started restore \`${restoreId}\`: ${choice.droplet} is being overwritten by DO backup \`${choice.label}\` (DigitalOcean's action \`restore\`; the control panel shows when it is done).`;
  return undefined;
}
