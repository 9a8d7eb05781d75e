/**
 * A dry run's view of the region copies (#16 §2): where the snapshot would be copied, and
 * which of `snapshot.copyTo` DigitalOcean does not offer (a slug of the right shape that is no
 * region, e.g. "ams9", passes the config's check; a real run would report that copy failed).
 * Reads only: the sizes listing, whose regions are the account's regions.
 */
import type { Plan } from "../config/schema";
import type { Droplet } from "../ports/digitalocean";
import { copyRegionsFor } from "./copy-plan";
import { messageOf, type RoutineDeps } from "./deps";
import type { DurableSteps } from "./durable";

export interface CopyPreview {
  /** Regions a real run would copy the snapshot to. */
  to: string[];
  /** `copyTo` names the droplet's own region: ignored. */
  ownRegion?: string;
  /** Regions of `to` that no droplet size is offered in: not DigitalOcean regions, or closed ones. */
  unknownRegions?: string[];
}

/**
 * Undefined when the plan copies nowhere. A listing that fails leaves the regions unchecked
 * (said in `unknown`), never fails the dry run.
 */
export async function previewCopies(
  ctx: DurableSteps,
  deps: RoutineDeps,
  plan: Plan,
  droplet: Droplet,
  unknown: string[],
): Promise<CopyPreview | undefined> {
  if (plan.snapshot.mode === "none" || plan.snapshot.copyTo.length === 0) return undefined;
  const { to, ownRegion } = copyRegionsFor(plan.snapshot.copyTo, droplet.region);
  const preview: CopyPreview = { to, ...(ownRegion ? { ownRegion } : {}) };
  if (to.length === 0) return preview;
  try {
    const offered = await ctx.step(`preview copy regions ${droplet.name}`, async () => [
      ...new Set((await deps.api.listSizes()).filter((z) => z.available).flatMap((z) => z.regions)),
    ]);
    const missing = to.filter((region) => !offered.includes(region));
    if (missing.length) preview.unknownRegions = missing;
  } catch (error) {
    unknown.push(`copy regions ${to.join(", ")} could not be checked: ${messageOf(error)}`);
  }
  return preview;
}
