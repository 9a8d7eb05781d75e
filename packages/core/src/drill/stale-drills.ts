/**
 * The watchdog's drill half (#15 §2): destroys every droplet tagged `lifeboat-drill` older
 * than its plan's `drill.maxAge` (2h by default) — the scratch droplets of drills whose process
 * died, or that were kept and forgotten. One `listDropletsByTag` call finds them: a droplet
 * without the tag is never looked at, whatever its name says. A droplet one of the config's
 * plans backs up is never destroyed, even when someone tagged it by mistake.
 *
 * It also closes outbound traffic a drill left open (./restore-volumes.ts): a per-drill egress
 * firewall older than twice the restore's limit (its download URLs expired long ago), or on no
 * live drill droplet. Firewalls are listed only while a drill droplet exists: one whose droplet
 * is gone applies to nothing, and waits for the next drill's round.
 */
import type { LifeboatConfig } from "../config/schema";
import type { DropletApi } from "../ports/digitalocean";
import { DRILL_LIMITS } from "./ports";
import { DRILL_EGRESS_FIREWALL_PREFIX, DRILL_TAG, drillDropletAge, parseDrillIdTag } from "./tags";

export interface DrillDropletSeen {
  droplet: string;
  dropletId: number;
  /** From the per-drill tag, when the droplet carries one. */
  plan?: string;
  drillId?: string;
  ageSeconds: number;
  maxAgeSeconds: number;
}

export interface StaleDrillsReport {
  /** Droplets carrying the drill tag, stale or not. */
  drills: DrillDropletSeen[];
  /** Stale drill droplets destroyed, by name. */
  destroyed: string[];
  /** Leftover per-drill egress firewalls deleted, by name. */
  egressClosed: string[];
  /** What could not be done, in words (the next round tries again). */
  problems: string[];
}

/**
 * @param production droplet ids the config's plans select: never destroyed, whatever their tags.
 * @example await destroyStaleDrills(config, api, Date.now(), new Set([3164400]))
 */
export async function destroyStaleDrills(
  config: LifeboatConfig,
  api: DropletApi,
  now: number,
  production: ReadonlySet<number>,
  restoreSeconds = DRILL_LIMITS.restoreSeconds,
): Promise<StaleDrillsReport> {
  const report: StaleDrillsReport = { drills: [], destroyed: [], egressClosed: [], problems: [] };
  let tagged: Awaited<ReturnType<DropletApi["listDropletsByTag"]>>;
  try {
    tagged = await api.listDropletsByTag(DRILL_TAG);
  } catch (error) {
    report.problems.push(`listing droplets tagged ${DRILL_TAG} failed: ${messageOf(error)}`);
    return report;
  }
  for (const droplet of tagged) {
    // The list is by tag, but the tag is what makes destroying safe: check it on the droplet itself.
    if (!droplet.tags.includes(DRILL_TAG)) continue;
    const age = drillDropletAge(droplet, config, now);
    const ids = droplet.tags.map(parseDrillIdTag).find((parsed) => parsed !== undefined);
    report.drills.push({
      droplet: droplet.name,
      dropletId: droplet.id,
      ...(ids ? { plan: ids.plan, drillId: ids.drillId } : {}),
      ageSeconds: age.ageSeconds,
      maxAgeSeconds: age.maxAgeSeconds,
    });
    if (!age.stale) continue;
    if (production.has(droplet.id)) {
      report.problems.push(
        `${droplet.name} carries ${DRILL_TAG} but a plan backs it up: left alone; remove the tag from it (DigitalOcean control panel → Tags)`,
      );
      continue;
    }
    try {
      await api.destroyDroplet(droplet.id);
      report.destroyed.push(droplet.name);
    } catch (error) {
      report.problems.push(`destroying drill droplet ${droplet.name} (id ${droplet.id}) failed: ${messageOf(error)}`);
    }
  }
  if (report.drills.length > 0) {
    const live = new Set(report.drills.filter((d) => !report.destroyed.includes(d.droplet)).map((d) => d.dropletId));
    await closeLeftoverEgress(api, now, live, restoreSeconds, report);
  }
  return report;
}

async function closeLeftoverEgress(
  api: DropletApi,
  now: number,
  liveDrills: ReadonlySet<number>,
  restoreSeconds: number,
  report: StaleDrillsReport,
): Promise<void> {
  let firewalls: Awaited<ReturnType<DropletApi["listFirewalls"]>>;
  try {
    firewalls = await api.listFirewalls();
  } catch (error) {
    report.problems.push(`listing firewalls (for drill egress left open) failed: ${messageOf(error)}`);
    return;
  }
  for (const f of firewalls) {
    if (!f.name.startsWith(DRILL_EGRESS_FIREWALL_PREFIX)) continue;
    const created = Date.parse(f.createdAt);
    const old = Number.isNaN(created) || now - created > 2 * restoreSeconds * 1000;
    if (!old && f.dropletIds.some((id) => liveDrills.has(id))) continue;
    try {
      await api.deleteFirewall(f.id);
      report.egressClosed.push(f.name);
    } catch (error) {
      report.problems.push(`deleting drill egress firewall ${f.name} (id ${f.id}) failed: ${messageOf(error)}`);
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
