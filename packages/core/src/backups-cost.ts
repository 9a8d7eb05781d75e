/**
 * What DigitalOcean's own Backups cost per month (#16 §1): weekly 20 %, daily 30 % of the
 * droplet's monthly price. A droplet's Backups are what its plan manages them to be
 * (`plans[].dropletBackups`), or, where no plan of it manages them, what DigitalOcean says now.
 * Pure: the caller reads the sizes and the policies (one call each) and passes them in.
 */
import type { Plan } from "./config/schema";
import { type BackupsOwnerPlan, backupsOwner } from "./droplet-backups/owner";
import type { DropletBackupPolicy, DropletSize } from "./ports/digitalocean";

/** DO's Backups price, as a share of the droplet's monthly price (DO docs, 2026). */
export const BACKUPS_SHARE = { weekly: 0.2, daily: 0.3 } as const;

export interface DropletBackupsCostLine {
  droplet: string;
  dropletId: number;
  /** DO's Backups plan this droplet pays for. */
  backups: "daily" | "weekly";
  /** Who decides it: the managing plan's name, or "DigitalOcean" where lifeboat only reads it. */
  setBy: string;
  sizeSlug: string;
  /** The droplet's own monthly price; undefined when its size is not among the listed sizes. */
  dropletMonthlyUsd?: number;
  usd: number;
}

export interface DropletBackupsCost {
  droplets: DropletBackupsCostLine[];
  totalUsd: number;
  /** One line per droplet whose plans pay for both Backups and offline snapshots of it. */
  warnings: string[];
}

export interface CostedDroplet {
  id: number;
  name: string;
  tags: string[];
  sizeSlug: string;
  /** The plans that select this droplet, in config order. */
  plans: readonly (BackupsOwnerPlan & Pick<Plan, "snapshot">)[];
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

/**
 * The Backups this droplet pays for and who set them; undefined when it has none. The plan that
 * owns them decides (reconciliation applies the same one); none: DO's policy.
 */
export function effectiveBackups(
  droplet: CostedDroplet,
  policies: ReadonlyMap<number, DropletBackupPolicy>,
): { backups: "daily" | "weekly"; setBy: string } | undefined {
  const managing = backupsOwner(droplet.plans, droplet);
  if (managing) {
    const target = managing.dropletBackups;
    return target === "off" || target === "unmanaged" ? undefined : { backups: target.plan, setBy: managing.name };
  }
  const policy = policies.get(droplet.id);
  return policy?.enabled ? { backups: policy.policy?.plan ?? "daily", setBy: "DigitalOcean" } : undefined;
}

/**
 * @example dropletBackupsCost([{ id: 1, name: "gitlab", sizeSlug: "s-2vcpu-4gb", plans: [weekly] }], [], sizes)
 *   // gitlab weekly Backups: 20 % of $24 = $4.80/month
 */
export function dropletBackupsCost(
  droplets: readonly CostedDroplet[],
  policies: readonly DropletBackupPolicy[],
  sizes: readonly Pick<DropletSize, "slug" | "priceMonthly">[],
): DropletBackupsCost {
  const byDroplet = new Map(policies.map((p) => [p.dropletId, p]));
  const lines: DropletBackupsCostLine[] = [];
  const warnings: string[] = [];
  for (const d of droplets) {
    const found = effectiveBackups(d, byDroplet);
    if (!found) continue;
    const price = sizes.find((s) => s.slug === d.sizeSlug)?.priceMonthly;
    lines.push({
      droplet: d.name,
      dropletId: d.id,
      ...found,
      sizeSlug: d.sizeSlug,
      ...(price === undefined ? {} : { dropletMonthlyUsd: price }),
      usd: price === undefined ? 0 : cents(price * BACKUPS_SHARE[found.backups]),
    });
    const offline = d.plans.filter((p) => p.snapshot.mode === "offline").map((p) => p.name);
    if (offline.length > 0) {
      warnings.push(
        `${d.name} pays for both DO ${found.backups} Backups (${found.setBy}) and offline snapshots (plan ${offline.join(", ")}); one of them may be enough`,
      );
    }
  }
  return { droplets: lines, totalUsd: cents(lines.reduce((sum, l) => sum + l.usd, 0)), warnings };
}
