/**
 * Which plan decides a droplet's DigitalOcean Backups when several plans select it (#16 §1):
 * the first plan in the config that manages Backups (`dropletBackups` not "unmanaged") and
 * selects the droplet. Its runs reconcile them; any other plan's run only reads them, and
 * `cost` prices the owner's setting. One rule, so two plans never flip a policy back and forth.
 * Pure: selection is told from the droplet itself (../plan-droplets.ts `selects`).
 */
import type { Plan } from "../config/schema";
import type { BackupsOwnedElsewhere } from "../events";
import { selects } from "../plan-droplets";
import type { Droplet } from "../ports/digitalocean";

export type BackupsOwnerPlan = Pick<Plan, "name" | "dropletBackups" | "droplets">;

/**
 * The plan that owns the droplet's Backups; undefined when no plan manages them (DO's own policy stands).
 * @example backupsOwner(config.plans, gitlab)?.name // "weekly": the first plan with dropletBackups set that selects gitlab
 */
export function backupsOwner<P extends BackupsOwnerPlan>(
  plans: readonly P[],
  droplet: Pick<Droplet, "id" | "name" | "tags">,
): P | undefined {
  return plans.find((p) => p.dropletBackups !== "unmanaged" && p.droplets.some((s) => selects(s, droplet)));
}

/**
 * A droplet a run left alone because another plan owns its Backups, in words.
 * @example ownedElsewhereText({ droplet: "gitlab", owner: "weekly" }) // "gitlab: not changed, plan weekly manages its DO Backups"
 */
export function ownedElsewhereText(o: BackupsOwnedElsewhere): string {
  return `${o.droplet}: not changed, plan ${o.owner} manages its DO Backups`;
}
