/**
 * Fleet usage: what each plan keeps (its own snapshots of its droplets, and its archive runs)
 * and what that costs a month. One use case for `lifeboat cost` and `/lifeboat cost`, so the
 * two give the same figures.
 */
import { type CostedDroplet, type DropletBackupsCost, dropletBackupsCost, effectiveBackups } from "./backups-cost";
import type { Plan } from "./config/schema";
import { type CostReport, monthlyCost, type PlanUsage, PRICES, type PriceList, type Prices } from "./cost";
import { backupsOwner } from "./droplet-backups/owner";
import { planDroplets } from "./plan-droplets";
import type { ArchiveCatalog } from "./ports/archive-catalog";
import type { DropletApi } from "./ports/digitalocean";
import { ownSnapshots } from "./retention/own-snapshots";

export interface UsagePorts {
  droplets: DropletApi;
  archives: ArchiveCatalog;
}

export interface FleetCost extends CostReport {
  /** Where archives are kept, which decides their price. */
  storage: PriceList;
  prices: Prices;
  /** DigitalOcean's own Backups of the plans' droplets (#16 §1), counted in `totalUsd`. */
  dropletBackups: DropletBackupsCost;
}

/**
 * Per plan: the sizes of its own snapshots and the bytes of its archive runs; and each droplet
 * once, with the plans that select it (for its Backups).
 * @example const { usage } = await fleetUsage({ droplets: api, archives: archiveCatalog(sink) }, config.plans);
 */
async function fleetUsage(
  ports: UsagePorts,
  plans: readonly Plan[],
): Promise<{ usage: PlanUsage[]; droplets: CostedDroplet[] }> {
  const usage: PlanUsage[] = [];
  const droplets = new Map<number, CostedDroplet & { plans: Plan[] }>();
  for (const plan of plans) {
    const u: PlanUsage = { plan: plan.name, snapshotGb: [], archiveBytes: 0 };
    for (const droplet of await planDroplets(ports.droplets, plan)) {
      const costed = droplets.get(droplet.id) ?? { ...pick(droplet), plans: [] };
      costed.plans.push(plan);
      droplets.set(droplet.id, costed);
      const snapshots = ownSnapshots(await ports.droplets.listDropletSnapshots(droplet.id), plan.name, droplet);
      u.snapshotGb.push(...snapshots.map((s) => s.sizeGb));
      // A copy in another region (#16 §2) is the same image, billed again per region.
      const copyGb = snapshots.flatMap((s) => s.regions.slice(1).map(() => s.sizeGb));
      if (copyGb.length) u.copyGb = [...(u.copyGb ?? []), ...copyGb];
      for (const run of await ports.archives.listRuns(droplet.name)) {
        if (run.plan === plan.name) u.archiveBytes += run.bytes;
      }
    }
    usage.push(u);
  }
  return { usage, droplets: [...droplets.values()] };
}

const pick = (d: { id: number; name: string; tags: string[]; sizeSlug: string }) => ({
  id: d.id,
  name: d.name,
  tags: d.tags,
  sizeSlug: d.sizeSlug,
});

/**
 * The droplets' Backups priced: DO's policies read only when a droplet's plans leave them
 * unmanaged, the sizes only when some droplet has Backups (one call each, at most).
 */
async function backupsCost(api: DropletApi, droplets: readonly CostedDroplet[]): Promise<DropletBackupsCost> {
  const unmanaged = droplets.some((d) => !backupsOwner(d.plans, d));
  const policies = unmanaged ? await api.listBackupPolicies() : [];
  const byDroplet = new Map(policies.map((p) => [p.dropletId, p]));
  const anyBackups = droplets.some((d) => effectiveBackups(d, byDroplet));
  return dropletBackupsCost(droplets, policies, anyBackups ? await api.listSizes() : []);
}

/**
 * The fleet's usage priced at the list prices of where its archives are kept.
 * @example const cost = await fleetCost(ports, config.plans, pricesFor(config.storage));
 */
export async function fleetCost(ports: UsagePorts, plans: readonly Plan[], storage: PriceList): Promise<FleetCost> {
  const prices = PRICES[storage];
  const { usage, droplets } = await fleetUsage(ports, plans);
  const cost = monthlyCost(usage, prices);
  const dropletBackups = await backupsCost(ports.droplets, droplets);
  const totalUsd = Math.round((cost.totalUsd + dropletBackups.totalUsd) * 100) / 100;
  return { storage, prices, ...cost, totalUsd, dropletBackups };
}
