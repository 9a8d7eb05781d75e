/**
 * Fleet usage: what each plan keeps (its own snapshots of its droplets, and its archive runs)
 * and what that costs a month. One use case for `lifeboat cost` and `/lifeboat cost`, so the
 * two give the same figures.
 */
import type { Plan } from "./config/schema";
import { type CostReport, monthlyCost, type PlanUsage, PRICES, type PriceList, type Prices } from "./cost";
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
}

/**
 * Per plan: the sizes of its own snapshots and the bytes of its archive runs.
 * @example const usage = await fleetUsage({ droplets: api, archives: archiveCatalog(sink) }, config.plans);
 */
export async function fleetUsage(ports: UsagePorts, plans: readonly Plan[]): Promise<PlanUsage[]> {
  const usage: PlanUsage[] = [];
  for (const plan of plans) {
    const u: PlanUsage = { plan: plan.name, snapshotGb: [], archiveBytes: 0 };
    for (const droplet of await planDroplets(ports.droplets, plan)) {
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
  return usage;
}

/**
 * The fleet's usage priced at the list prices of where its archives are kept.
 * @example const cost = await fleetCost(ports, config.plans, pricesFor(config.storage));
 */
export async function fleetCost(ports: UsagePorts, plans: readonly Plan[], storage: PriceList): Promise<FleetCost> {
  const prices = PRICES[storage];
  return { storage, prices, ...monthlyCost(await fleetUsage(ports, plans), prices) };
}
