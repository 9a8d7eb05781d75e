/**
 * What `verify [plan|droplet]` covers: each droplet a plan names (or the one plan's, or the one
 * droplet), with the plans that cover it (their snapshots and duplicity are its to check).
 * Shared by the CLI and Slack, so both read a target the same way.
 */
import { findPlan } from "../config/plan-named";
import type { LifeboatConfig, Plan } from "../config/schema";
import { planDroplets, selects } from "../plan-droplets";
import type { Droplet, DropletApi } from "../ports/digitalocean";

/** A target that is neither a plan nor a droplet: bad input, with a message saying what is. */
export class UnknownVerifyTarget extends Error {
  constructor(target: string, config: LifeboatConfig) {
    super(
      `"${target}" is neither a plan (${config.plans.map((p) => p.name).join(", ")}) nor a droplet; \`lifeboat list\` shows the droplets`,
    );
    this.name = "UnknownVerifyTarget";
  }
}

export interface VerifyTarget {
  droplet: Droplet;
  plans: Plan[];
}

/** @example await verifyTargets(api, config, "nightly") // the nightly plan's droplets */
export async function verifyTargets(
  api: Pick<DropletApi, "findDroplets">,
  config: LifeboatConfig,
  target: string | undefined,
): Promise<VerifyTarget[]> {
  const plan = target === undefined ? undefined : findPlan(config, target);
  if (target === undefined || plan) {
    const byId = new Map<number, VerifyTarget>();
    for (const p of plan ? [plan] : config.plans) {
      for (const d of await planDroplets(api, p)) {
        const entry = byId.get(d.id) ?? { droplet: d, plans: [] };
        entry.plans.push(p);
        byId.set(d.id, entry);
      }
    }
    return [...byId.values()];
  }
  const found = await api.findDroplets({ name: target }).catch(() => []);
  if (found.length === 0) throw new UnknownVerifyTarget(target, config);
  return found.map((d) => ({ droplet: d, plans: config.plans.filter((p) => p.droplets.some((s) => selects(s, d))) }));
}
