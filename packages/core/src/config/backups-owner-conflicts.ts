/**
 * At config load: two plans that manage DO Backups differently (#16 §1) and name the same
 * droplet by the same name or id would each reconcile it their way; the first would own it
 * (../droplet-backups/owner.ts) and the second's setting would never apply. Refused, naming
 * both plans. A tag cannot be resolved offline: droplets shared through tags follow the owner
 * rule at run time. Pure.
 */
import { backupsStateText } from "../droplet-backups/reconcile";
import type { DropletBackupsSetting, DropletSelector, Plan } from "./schema";

export interface BackupsOwnerConflict {
  /** Where, in the later plan: `plans[plan].droplets[selector][key]`, which is `value`. */
  plan: number;
  selector: number;
  key: "name" | "id";
  value: string | number;
  message: string;
}

/** Every pair of plans that manage the same named droplet's Backups differently. */
export function backupsOwnerConflicts(
  plans: readonly Pick<Plan, "name" | "droplets" | "dropletBackups">[],
): BackupsOwnerConflict[] {
  const conflicts: BackupsOwnerConflict[] = [];
  plans.forEach((later, i) => {
    if (later.dropletBackups === "unmanaged") return;
    later.droplets.forEach((selector, j) => {
      if ("tag" in selector) return;
      const first = plans
        .slice(0, i)
        .find(
          (p) =>
            p.dropletBackups !== "unmanaged" &&
            !sameSetting(p.dropletBackups, later.dropletBackups) &&
            p.droplets.some((s) => sameSelector(s, selector)),
        );
      if (!first) return;
      conflicts.push({
        plan: i,
        selector: j,
        ...("id" in selector
          ? { key: "id" as const, value: selector.id }
          : { key: "name" as const, value: selector.name }),
        message: `plans "${first.name}" and "${later.name}" both manage DO Backups of droplet ${selectorText(selector)}, differently (${settingText(first.dropletBackups)} and ${settingText(later.dropletBackups)}); the first would own them and "${later.name}"'s setting would never apply. Give both plans the same dropletBackups, set one of them to "unmanaged", or take the droplet out of one plan`,
      });
    });
  });
  return conflicts;
}

function sameSelector(a: DropletSelector, b: DropletSelector): boolean {
  if ("id" in a && "id" in b) return a.id === b.id;
  if ("name" in a && "name" in b) return a.name === b.name;
  return false;
}

const selectorText = (s: DropletSelector) =>
  "id" in s ? `id ${s.id}` : "name" in s ? `"${s.name}"` : `tag "${s.tag}"`;

function sameSetting(a: DropletBackupsSetting, b: DropletBackupsSetting): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a.plan === b.plan && a.hour === b.hour && (a.plan === "daily" || a.weekday === b.weekday);
}

const settingText = (s: DropletBackupsSetting) =>
  typeof s === "string" ? `"${s}"` : backupsStateText({ enabled: true, policy: s });
