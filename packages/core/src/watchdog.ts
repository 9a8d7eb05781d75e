/**
 * The watchdog (functions/watchdog.ts runs it every 5 minutes): a droplet lifeboat left off
 * for longer than its plan's `maxDowntime` is powered on and `watchdog.recovered` emitted.
 * Lifeboat's mark on such a droplet is its run's claim (./routine/claim.ts): a droplet that is
 * `off` under a claim, live or expired, is lifeboat's to watch, and DigitalOcean dates its
 * power-off (./watchdog-marks.ts: its newest power action, one call per such droplet, else the
 * claim's start). Runs of earlier versions tagged it with the powered-off tag
 * (./routine/off-marker.ts), which dates itself and is removed once the droplet is active.
 * It only ever touches droplets that carry one of those, and looks for them among the
 * droplets the config's plans select (DigitalOcean cannot list tags by prefix). A plan no
 * longer in the config gets the default 2h budget.
 * It also clears claims that have expired — a crashed run's — from droplets back on, and
 * leaves live claims alone: a run's claim tag is carried by all the run's droplets, so it
 * stays on those still off and goes once none is; and destroys stale restore-drill droplets
 * (./drill/stale-drills.ts: only droplets tagged `lifeboat-drill`, never a plan's own).
 * Destroying one emits no event: the report (logged by the Lambda, printed by the CLI) says it.
 */
import type { LifeboatConfig } from "./config/schema";
import { type DrillDropletSeen, destroyStaleDrills } from "./drill/stale-drills";
import type { EventSink } from "./events";
import type { Droplet, DropletApi } from "./ports/digitalocean";
import { claimsOn } from "./routine/claim";
import { parseClaimingTag, parseClaimTag } from "./routine/claim-tag";
import { type OffMark, offMarks } from "./watchdog-marks";

const DEFAULT_MAX_DOWNTIME_SECONDS = 7200;

export interface WatchdogDeps {
  api: DropletApi;
  events: EventSink;
  now?: () => number;
  /** Waits between looks for `active` (real time in Lambda, the sandbox clock in tests). */
  sleep: (ms: number) => Promise<void>;
}

export interface WatchdogReport {
  /** Droplets seen off under lifeboat's mark, overdue or not, with what dated the power-off. */
  marked: Array<{
    droplet: string;
    tag: string;
    offSinceSeconds: number;
    maxDowntimeSeconds: number;
    /** e.g. `its shutdown at 2026-01-04T05:30:15.000Z`, or `not powered off by lifeboat (…)`. */
    datedBy: string;
    /** False for a droplet off under a claim that lifeboat did not power off: left alone. */
    lifeboats: boolean;
  }>;
  recovered: string[];
  /** Overdue droplets not active yet (tag kept: the next round tries again), with why. */
  pending: string[];
  /** Expired claim tags (and stale `claiming` tags) removed from a droplet, as `droplet: tag`. */
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
  // Droplets on (or back on) whose expired claims may go, and droplets that keep theirs.
  const clearable: Droplet[] = [];
  const keepMarks = new Set<number>();
  for (const droplet of droplets.values()) {
    const pendingBefore = report.pending.length;
    let on = droplet.status !== "off";
    let marks: OffMark[] = [];
    try {
      marks = await offMarks(droplet, deps.api);
    } catch (error) {
      report.pending.push(`${droplet.name}: could not date its power-off: ${messageOf(error)}`);
    }
    for (const { tag, plan, offSince, untag, datedBy, lifeboats } of marks) {
      // A power-off dated a little ahead of this clock counts as off for 0 s, not a negative time.
      const offSinceSeconds = Math.max(0, Math.round((now() - offSince) / 1000));
      const maxDowntimeSeconds = budgets.get(plan) ?? DEFAULT_MAX_DOWNTIME_SECONDS;
      report.marked.push({ droplet: droplet.name, tag, offSinceSeconds, maxDowntimeSeconds, datedBy, lifeboats });
      // Off, but not by lifeboat: its claim marks nothing for the watchdog, and may go once expired.
      if (!lifeboats) on = true;
      if (!lifeboats || offSinceSeconds <= maxDowntimeSeconds) continue;
      const why = await recover(deps, droplet, untag ? tag : undefined, activeWithinMs).catch(messageOf);
      if (why) {
        report.pending.push(`${droplet.name}: ${why}`);
        continue;
      }
      on = true;
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
    if (on && report.pending.length === pendingBefore) clearable.push(droplet);
    else keepMarks.add(droplet.id);
  }
  await clearExpiredClaims(deps, clearable, keepMarks, now(), report);
  const drills = await destroyStaleDrills(config, deps.api, now(), new Set(droplets.keys()));
  report.drills = drills.drills;
  report.drillsDestroyed = drills.destroyed;
  report.drillEgressClosed = drills.egressClosed;
  report.pending.push(...drills.problems);
  return report;
}

/**
 * Removes the claims that stopped counting from these droplets (on, or off but not by lifeboat);
 * a live claim is never touched.
 * An earlier version's tag names its one droplet: deleted. A run's tag may be carried by other
 * droplets of the run, one of which may still be off (its mark): one listing of its droplets,
 * then the tag is deleted if none of them is off, else removed from those that are on.
 */
async function clearExpiredClaims(
  deps: WatchdogDeps,
  droplets: Droplet[],
  keepMarks: ReadonlySet<number>,
  now: number,
  report: WatchdogReport,
) {
  const runTags = new Set<string>();
  const clearable = new Set(droplets.map((d) => d.id)); // on, or off but not by lifeboat
  for (const droplet of droplets) {
    const seen = claimsOn(droplet, now);
    for (const tag of [...seen.expired.map((c) => c.tag), ...seen.staleChoosing]) {
      const ofOneDroplet = (parseClaimTag(tag) ?? parseClaimingTag(tag))?.dropletId !== undefined;
      if (!ofOneDroplet) {
        runTags.add(tag);
        continue;
      }
      await deps.api.deleteTag(tag).then(
        () => report.cleared.push(`${droplet.name}: ${tag}`),
        (error) => report.pending.push(`${droplet.name}: removing ${tag} failed: ${messageOf(error)}`),
      );
    }
  }
  for (const tag of runTags) {
    try {
      const carriers = await deps.api.listDropletsByTag(tag);
      // Carriers that keep no mark: on, or off but not by lifeboat.
      const markless = (d: Droplet) => clearable.has(d.id) || (d.status !== "off" && !keepMarks.has(d.id));
      const freed = carriers.filter(markless);
      // Gone already (a claimer cleared it meanwhile) is as good as removed.
      const ids = freed.map((d) => d.id);
      if (freed.length === carriers.length) await deps.api.deleteTag(tag).catch(unlessNotFound);
      else await deps.api.untagDroplets(tag, ids).catch(unlessNotFound);
      for (const d of freed) report.cleared.push(`${d.name}: ${tag}`);
    } catch (error) {
      report.pending.push(`removing ${tag} failed: ${messageOf(error)}`);
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const unlessNotFound = (error: unknown) => {
  if ((error as { status?: unknown } | undefined)?.status !== 404) throw error;
};

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
