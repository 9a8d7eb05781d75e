/**
 * What tells the watchdog (./watchdog.ts) that lifeboat left a droplet off, and since when.
 *
 * An off marker of an earlier version (./routine/off-marker.ts) carries its own time. A claim
 * (./routine/claim-tag.ts) does not: a run's claim is made once at the run's start, for the
 * whole run, and not renewed before each power-off. So a droplet that is `off` under a claim
 * is dated by DigitalOcean: its newest completed power action (one call, made only for such a
 * droplet). A `shutdown` or `power_off` made under the claim dates it: lifeboat powers off only
 * with those, and only under its claim. Any other droplet off under a claim was not powered off
 * by lifeboat and is left alone, said in the report: one with no power action among its recent
 * actions, or whose newest one left it on (it went off from inside), or whose power-off came
 * before the claim (it was off before lifeboat took it; the run powers it on after its snapshot).
 */
import type { Droplet, DropletAction, DropletApi } from "./ports/digitalocean";
import { appliesTo, type ClaimTag, parseClaimTag } from "./routine/claim-tag";
import { parseOffMarker } from "./routine/off-marker";

export interface OffMark {
  tag: string;
  plan: string;
  /** ms since the epoch */
  offSince: number;
  /** Whether the tag goes once the droplet is active (an off marker); a claim stays until it expires. */
  untag: boolean;
  /** What dated `offSince`, for the report, e.g. `its shutdown at 2026-01-04T05:30:15.000Z`. */
  datedBy: string;
  /** False for a droplet off under a claim that lifeboat did not power off: never powered on by the watchdog. */
  lifeboats: boolean;
}

/** DigitalOcean's clock and the claimer's may differ by this much: a power-off this close before the claim still counts. */
const CLOCK_SKEW_MS = 60_000;

const OFF_ACTIONS = new Set(["shutdown", "power_off"]);
/** The actions after which a droplet is off (OFF_ACTIONS) or on (the others): its newest dates its state. */
const POWER_ACTIONS = [...OFF_ACTIONS, "power_on", "reboot", "power_cycle"];

/**
 * The off markers of this droplet, else, while it is `off`, its newest claim that applies to it
 * (live or expired: the latest run that may have powered it off), dated as above.
 */
export async function offMarks(droplet: Droplet, api: Pick<DropletApi, "lastCompletedAction">): Promise<OffMark[]> {
  const marks: OffMark[] = [];
  for (const tag of droplet.tags) {
    const marker = parseOffMarker(tag);
    if (marker?.dropletId === droplet.id) {
      const offSince = marker.since.getTime();
      marks.push({
        tag,
        plan: marker.plan,
        offSince,
        untag: true,
        datedBy: `its off marker, ${iso(offSince)}`,
        lifeboats: true,
      });
    }
  }
  if (marks.length > 0 || droplet.status !== "off") return marks;
  const newest = droplet.tags
    .map(parseClaimTag)
    .filter((c): c is ClaimTag => c !== undefined && appliesTo(c, droplet.id))
    .sort((a, b) => b.until - a.until)[0];
  if (!newest) return marks;
  const dated = offSinceUnder(newest, await api.lastCompletedAction(droplet.id, POWER_ACTIONS));
  return [{ tag: newest.tag, plan: newest.plan, untag: false, ...dated }];
}

/** When a droplet that is off under `claim` went off, given its newest completed power action, and whether lifeboat did it. */
function offSinceUnder(
  claim: Pick<ClaimTag, "since">,
  last: DropletAction | undefined,
): { offSince: number; datedBy: string; lifeboats: boolean } {
  const notLifeboats = (why: string) => ({
    offSince: claim.since,
    datedBy: `not powered off by lifeboat (${why}); its claim since ${iso(claim.since)}`,
    lifeboats: false,
  });
  if (!last) return notLifeboats("no power action among its recent actions");
  if (!OFF_ACTIONS.has(last.type))
    return notLifeboats(`its newest power action is a ${last.type}: it went off without one`);
  const at = Date.parse(last.completedAt ?? last.startedAt);
  if (!Number.isFinite(at)) return notLifeboats(`its ${last.type} has no time`);
  if (at < claim.since - CLOCK_SKEW_MS) return notLifeboats(`its ${last.type} at ${iso(at)} came before the claim`);
  return { offSince: at, datedBy: `its ${last.type} at ${iso(at)}`, lifeboats: true };
}

const iso = (ms: number) => new Date(ms).toISOString();
