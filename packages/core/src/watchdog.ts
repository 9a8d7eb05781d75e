/**
 * The watchdog (functions/watchdog.ts runs it every 5 minutes): a droplet lifeboat left off
 * for longer than its plan's `maxDowntime` is powered on and `watchdog.recovered` emitted.
 * Lifeboat marks such a droplet with its claim (./routine/claim.ts: a droplet that is `off`
 * under a claim has been off since `claimLatestOffAt` at the latest); runs of earlier versions
 * tagged it with the powered-off tag (./routine/off-marker.ts), removed once it is active.
 * It only ever touches droplets that carry one of those, and looks for them among the
 * droplets the config's plans select (DigitalOcean cannot list tags by prefix). A plan no
 * longer in the config gets the default 2h budget.
 * It also clears droplet claims that have expired — a crashed run's — once the droplet is
 * back on, and leaves live claims alone; and destroys stale restore-drill droplets
 * (./drill/stale-drills.ts: only droplets tagged `lifeboat-drill`, never a plan's own).
 * Destroying one emits no event: the report (logged by the Lambda, printed by the CLI) says it.
 */
import type { LifeboatConfig } from "./config/schema";
import { type DrillDropletSeen, destroyStaleDrills } from "./drill/stale-drills";
import type { EventSink } from "./events";
import type { Droplet, DropletApi } from "./ports/digitalocean";
import { claimsOn } from "./routine/claim";
import { appliesTo, parseClaimTag } from "./routine/claim-tag";
import { parseOffMarker } from "./routine/off-marker";

const DEFAULT_MAX_DOWNTIME_SECONDS = 7200;

export interface WatchdogDeps {
  api: DropletApi;
  events: EventSink;
  now?: () => number;
  /** Waits between looks for `active` (real time in Lambda, the sandbox clock in tests). */
  sleep: (ms: number) => Promise<void>;
}

export interface WatchdogReport {
  /** Droplets seen carrying the tag, overdue or not. */
  marked: Array<{ droplet: string; tag: string; offSinceSeconds: number; maxDowntimeSeconds: number }>;
  recovered: string[];
  /** Overdue droplets not active yet (tag kept: the next round tries again), with why. */
  pending: string[];
  /** Expired claim tags (and stale `claiming` tags) removed, as `droplet: tag`. */
  cleared: string[];
  /** Droplets tagged `lifeboat-drill` seen, stale or not, with their age and limit. */
  drills: DrillDropletSeen[];
  /** Stale drill droplets destroyed, by name. */
  drillsDestroyed: string[];
  /** Egress firewalls a drill left open, deleted, by name. */
  drillEgressClosed: string[];
}

/**
 * One round. Looks for `active` up to `activeWithinMs` after power_on, then leaves the rest
 * to the next round.
 * @example await watchdogRound(config, { api, events, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) })
 */
export async function watchdogRound(
  config: LifeboatConfig,
  deps: WatchdogDeps,
  activeWithinMs = 90_000,
): Promise<WatchdogReport> {
  const now = () => (deps.now ?? Date.now)();
  const budgets = new Map(config.plans.map((p) => [p.name, p.snapshot.maxDowntime.seconds]));
  const droplets = new Map<number, Droplet>();
  for (const plan of config.plans) {
    for (const selector of plan.droplets) {
      try {
        for (const d of await deps.api.findDroplets(selector)) droplets.set(d.id, d);
      } catch {
        // a selector that matches nothing any more is not the watchdog's business
      }
    }
  }
  const report: WatchdogReport = {
    marked: [],
    recovered: [],
    pending: [],
    cleared: [],
    drills: [],
    drillsDestroyed: [],
    drillEgressClosed: [],
  };
  for (const droplet of droplets.values()) {
    const pendingBefore = report.pending.length;
    for (const { tag, plan, offSince, untag } of offMarks(droplet, budgets)) {
      // A claim gives the latest moment the droplet can have gone off (renewal + 5 min): just after a
      // renewal that moment is still ahead, and the droplet counts as off for 0 s, not a negative time.
      const offSinceSeconds = Math.max(0, Math.round((now() - offSince) / 1000));
      const maxDowntimeSeconds = budgets.get(plan) ?? DEFAULT_MAX_DOWNTIME_SECONDS;
      report.marked.push({ droplet: droplet.name, tag, offSinceSeconds, maxDowntimeSeconds });
      if (offSinceSeconds <= maxDowntimeSeconds) continue;
      const why = await recover(deps, droplet, untag ? tag : undefined, activeWithinMs).catch(
        (error: unknown) => `${error instanceof Error ? error.message : String(error)}`,
      );
      if (why) {
        report.pending.push(`${droplet.name}: ${why}`);
        continue;
      }
      report.recovered.push(droplet.name);
      await deps.events.emit({
        runId: `watchdog-${Math.floor(now() / 1000)}`,
        plan,
        droplet: droplet.name,
        at: new Date(now()).toISOString(),
        type: "watchdog.recovered",
        dropletId: droplet.id,
        offSinceSeconds,
        maxDowntimeSeconds,
      });
      if (!untag) break; // a claim is left in place: one power-on is enough
    }
    // A droplet still off keeps its claim until it is back on: no new run should start on it yet.
    if (report.pending.length === pendingBefore) await clearExpiredClaims(deps, droplet, now(), report);
  }
  const drills = await destroyStaleDrills(config, deps.api, now(), new Set(droplets.keys()));
  report.drills = drills.drills;
  report.drillsDestroyed = drills.destroyed;
  report.drillEgressClosed = drills.egressClosed;
  report.pending.push(...drills.problems);
  return report;
}

/**
 * What says lifeboat left this droplet off, and since when (ms): an off marker of an earlier
 * version (removed once the droplet is active), else, while the droplet is `off`, its newest
 * claim (the latest run that may have powered it off; kept, and cleared once expired).
 */
function offMarks(
  droplet: Droplet,
  budgets: ReadonlyMap<string, number>,
): Array<{ tag: string; plan: string; offSince: number; untag: boolean }> {
  const marks = [];
  for (const tag of droplet.tags) {
    const marker = parseOffMarker(tag);
    if (marker?.dropletId === droplet.id) {
      marks.push({ tag, plan: marker.plan, offSince: marker.since.getTime(), untag: true });
    }
  }
  if (marks.length > 0 || droplet.status !== "off") return marks;
  const newest = droplet.tags
    .map(parseClaimTag)
    .filter((c) => c && appliesTo(c, droplet.id))
    .sort((a, b) => b!.until - a!.until)[0];
  if (!newest) return marks;
  const maxDowntime = budgets.get(newest.plan) ?? DEFAULT_MAX_DOWNTIME_SECONDS;
  return [{ tag: newest.tag, plan: newest.plan, offSince: newest.since, untag: false }];
}

/** Removes the claims on this droplet that stopped counting; a live claim is never touched. */
async function clearExpiredClaims(deps: WatchdogDeps, droplet: Droplet, now: number, report: WatchdogReport) {
  const seen = claimsOn(droplet, now);
  for (const tag of [...seen.expired.map((c) => c.tag), ...seen.staleChoosing]) {
    try {
      await deps.api.deleteTag(tag);
      report.cleared.push(`${droplet.name}: ${tag}`);
    } catch (error) {
      report.pending.push(
        `${droplet.name}: removing ${tag} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** Powers on and removes `untag` if given; gives why not when the droplet is not active in time (the tag then stays). */
async function recover(
  deps: WatchdogDeps,
  droplet: Droplet,
  untag: string | undefined,
  withinMs: number,
): Promise<string | undefined> {
  let status = droplet.status;
  if (status !== "active") {
    try {
      await deps.api.powerOn(droplet.id);
    } catch (error) {
      return `power_on refused: ${error instanceof Error ? error.message : String(error)}`;
    }
    for (let waited = 0; waited < withinMs && status !== "active"; waited += 10_000) {
      await deps.sleep(10_000);
      status = (await deps.api.getDroplet(droplet.id)).status;
    }
    if (status !== "active") return `still ${status} ${Math.round(withinMs / 1000)}s after power_on`;
  }
  if (untag) await deps.api.deleteTag(untag);
  return undefined;
}
