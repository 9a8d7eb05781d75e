/**
 * Step 0, the droplet claim: a droplet is in at most one lifeboat run at a time, whoever
 * started it. The claim is a pair of tags on the droplet (./claim-tag.ts), and the protocol is
 * Lamport's bakery over them, so two starters racing within the same second still end with
 * exactly one winner, whatever their clocks say:
 *
 *   doorway  tag `claiming` (I am choosing) → read the droplet's tags → tag my claim with rank
 *            1 + the highest live rank seen → remove `claiming`           (one step, 6 calls)
 *   check    read the droplet's tags; while another claimer is still choosing, look again
 *            (5 s); then I win unless a live claim goes before mine (rank, then nonce)
 *   loser    removes its own claim and does not touch the droplet
 *
 * Why the doorway: a claimer that saw nobody and went ahead must make every later claimer
 * lose. A later claimer either was choosing when the first looked (so the first waited for
 * its rank) or started choosing after, and then read the first's claim and ranked itself
 * behind it. Oldest-time-wins alone cannot promise that: a claim written after the winner
 * looked may carry an older time or a smaller tie-breaker.
 *
 * A claim stops counting at `until` = claim time + the plan's `maxDowntime` + 30 min, so a
 * crashed run's claim does not block the droplet for ever: a new claimer removes it (takes
 * over; not while the droplet is off, when it is the watchdog's mark), and the watchdog clears it. A live run renews its claim right before powering off
 * (`keepClaim`), so it lasts through the downtime, and releases it at the end (`releaseClaim`).
 *
 * The claim is also the watchdog's mark of a droplet lifeboat powered off (no tag of its own,
 * three calls fewer per droplet): a run powers off only with a claim made or renewed at most
 * CLAIM_FRESH_SECONDS before, so a droplet that is `off` under a claim has been off since
 * `claimLatestOffAt` or earlier, and is overdue maxDowntime after that. A run that could
 * not power its droplet on again leaves the claim for the watchdog; the watchdog powers the
 * droplet on and clears the claim once it has expired.
 */
import type { Droplet } from "../ports/digitalocean";
import {
  appliesTo,
  type ClaimTag,
  claimingTag,
  claimOrder,
  claimTag,
  newNonce,
  parseClaimingTag,
  parseClaimTag,
} from "./claim-tag";
import { emit, messageOf, nowOf, type RoutineDeps } from "./deps";
import type { DurableSteps, StepOptions } from "./durable";
import { pollUntil } from "./poll";
import type { DropletRun } from "./power";

/** Added to the plan's maxDowntime: how long a claim counts after it was made or renewed. */
export const CLAIM_MARGIN_SECONDS = 30 * 60;
/** A `claiming` tag older than this is a crashed doorway's, not a claimer still choosing. */
export const CLAIMING_TTL_SECONDS = 5 * 60;
/** A claim made or renewed less than this long ago is not renewed before a power-off (see `claimLatestOffAt`). */
export const CLAIM_FRESH_SECONDS = 5 * 60;
/** A holder gives its claim up this long before `until`, so a clock a little behind never lets two runs hold it. */
const CLOCK_SKEW_SECONDS = 60;
const CHECK_POLL = { seconds: 5 };

/** How long a claim of this plan counts, in seconds. */
export function claimLifetimeSeconds(plan: DropletRun["plan"]): number {
  return plan.snapshot.maxDowntime.seconds + CLAIM_MARGIN_SECONDS;
}

/**
 * The latest moment (ms) the droplet can have been powered off under this claim: its last
 * renewal plus CLAIM_FRESH_SECONDS. Off for more than maxDowntime past that, it is overdue.
 */
export function claimLatestOffAt(claim: Pick<ClaimTag, "until">, maxDowntimeSeconds: number): number {
  return claim.until - (maxDowntimeSeconds + CLAIM_MARGIN_SECONDS - CLAIM_FRESH_SECONDS) * 1000;
}

/** The run that holds a droplet, as a loser reports it. */
export interface Holder {
  runId: string;
  plan: string;
  by: string;
  /** ms since the epoch */
  since: number;
}

export type Claimed =
  | {
      won: true;
      claim?: ClaimTag;
      cleared: string[];
      /** The droplet's `snapshot_ids` as read when the claim won (./run-snapshots.ts). */
      snapshotIds?: string[];
    }
  | { won: false; holder?: Holder; reason: string };

/** `droplet ssh is in run weekly-… (started by cli-alice, since 2026-…Z)` */
export function busyMessage(droplet: string, h: Holder): string {
  return `droplet ${droplet} is in run ${h.runId} (started by ${h.by}, since ${new Date(h.since).toISOString()})`;
}

/** Transient API errors: a few tries, 5 s apart (each try cleans up after itself). */
const claimStep: StepOptions = {
  retryStrategy: (_error, attempt) =>
    attempt < 3 ? { shouldRetry: true, delay: { seconds: 5 * attempt } } : { shouldRetry: false },
};

/**
 * Claims the droplet for this run. On a loss the droplet is untouched, the loser's tag is
 * gone and `droplet.busy` was emitted. A dry run writes nothing: it only reports a holder.
 */
export async function claimDroplet(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  o: { by: string; dryRun: boolean },
): Promise<Claimed> {
  const name = r.droplet.name;
  const id = r.droplet.id;
  if (o.dryRun) {
    const holder = await ctx.step(`claim look ${name}`, async () => {
      const seen = claimsOn(await deps.api.getDroplet(id), nowOf(deps));
      const first = seen.live.sort(claimOrder)[0];
      return first ? holderOf(first) : null;
    });
    if (!holder) return { won: true, cleared: [] };
    return lost(ctx, deps, r, holder);
  }

  // Recorded, so a retried or replayed doorway knows its own tags.
  const nonce = await ctx.step(`claim nonce ${name}`, async () => newNonce());
  const mine = await ctx.step(`claim ${name}`, () => doorway(deps, r, o.by, nonce), claimStep);

  const polled = await pollUntil<Verdict>(
    ctx,
    `claim check ${name}`,
    async () => {
      const droplet = await deps.api.getDroplet(id);
      const now = nowOf(deps);
      const seen = claimsOn(droplet, now, nonce);
      const cleared: string[] = [];
      // A droplet still off keeps an expired claim: it is the watchdog's mark until the droplet is on again.
      for (const stale of droplet.status === "off" ? [] : seen.expired) {
        await deps.api.deleteTag(stale.tag).catch(() => undefined); // taken over; gone already is fine
        cleared.push(stale.tag);
      }
      if (!droplet.tags.some((t) => parseClaimTag(t)?.nonce === nonce)) {
        return { done: true, value: { won: false, reason: "its claim was removed while it checked", cleared } };
      }
      if (seen.choosing.length > 0) return { done: false, value: { won: false, reason: "", cleared } };
      const first = [...seen.live, mine].sort(claimOrder)[0]!;
      if (first.nonce === nonce) {
        const snapshotIds = droplet.snapshotIds;
        return { done: true, value: { won: true, reason: "", cleared, ...(snapshotIds ? { snapshotIds } : {}) } };
      }
      return { done: true, value: { won: false, reason: "", holder: holderOf(first), cleared } };
    },
    { delay: () => CHECK_POLL, giveUpSeconds: CLAIMING_TTL_SECONDS + 60, maxErrors: 5 },
  );
  const verdict = polled.done ? polled.value : undefined;
  if (verdict?.won) {
    const { snapshotIds } = verdict;
    return { won: true, claim: mine, cleared: verdict.cleared, ...(snapshotIds ? { snapshotIds } : {}) };
  }

  await ctx.step(`withdraw claim ${name}`, async () => {
    await deps.api.deleteTag(mine.tag).catch(() => undefined);
    return true;
  });
  const reason =
    verdict?.reason ||
    (polled.lastError ? `could not check the claim: ${polled.lastError}` : "could not check the claim");
  return verdict?.holder
    ? lost(ctx, deps, r, verdict.holder)
    : { won: false, reason: `${name} was not touched: ${reason}` };
}

interface Verdict {
  won: boolean;
  reason: string;
  holder?: Holder;
  cleared: string[];
  snapshotIds?: string[];
}

async function lost(ctx: DurableSteps, deps: RoutineDeps, r: DropletRun, holder: Holder): Promise<Claimed> {
  await emit(ctx, deps, `busy ${r.droplet.name}`, {
    runId: r.runId,
    plan: r.plan.name,
    droplet: r.droplet.name,
    type: "droplet.busy",
    dropletId: r.droplet.id,
    heldBy: {
      runId: holder.runId,
      plan: holder.plan,
      startedBy: holder.by,
      since: new Date(holder.since).toISOString(),
    },
  });
  return { won: false, holder, reason: busyMessage(r.droplet.name, holder) };
}

/** The bakery doorway, in one step. Removes what it tagged when it fails, so a retry starts clean. */
async function doorway(deps: RoutineDeps, r: DropletRun, by: string, nonce: string): Promise<ClaimTag> {
  const id = r.droplet.id;
  const since = Math.floor(nowOf(deps) / 1000) * 1000;
  const choosing = claimingTag(nonce, since);
  let claim: string | undefined;
  try {
    await deps.api.ensureTag(choosing);
    await deps.api.tagDroplets(choosing, [id]);
    const droplet = await deps.api.getDroplet(id);
    const seen = claimsOn(droplet, nowOf(deps), nonce);
    const fields = {
      rank: 1 + Math.max(0, ...seen.live.map((c) => c.rank)),
      nonce,
      since,
      until: since + claimLifetimeSeconds(r.plan) * 1000,
      plan: r.plan.name,
      by,
      runId: r.runId,
    };
    claim = claimTag(fields);
    await deps.api.ensureTag(claim);
    await deps.api.tagDroplets(claim, [id]);
    await deps.api.deleteTag(choosing);
    // Tags of an earlier try of this step that crashed before it could clean up.
    for (const t of droplet.tags) {
      if (t !== claim && t !== choosing && ownedBy(t, nonce)) await deps.api.deleteTag(t).catch(() => undefined);
    }
    return { tag: claim, ...fields };
  } catch (error) {
    for (const t of [choosing, claim]) if (t) await deps.api.deleteTag(t).catch(() => undefined);
    throw error;
  }
}

const ownedBy = (tag: string, nonce: string) =>
  parseClaimTag(tag)?.nonce === nonce || parseClaimingTag(tag)?.nonce === nonce;

/** What a droplet's tags say about claims at `now`, leaving out `own` (a nonce). */
export function claimsOn(droplet: Pick<Droplet, "id" | "tags">, now: number, own?: string) {
  const live: ClaimTag[] = [];
  const expired: ClaimTag[] = [];
  const claimants = new Set<string>();
  for (const t of droplet.tags) {
    const c = parseClaimTag(t);
    if (!c || !appliesTo(c, droplet.id)) continue;
    claimants.add(c.nonce);
    if (c.nonce === own) continue;
    (c.until > now ? live : expired).push(c);
  }
  // A claimer is choosing while it has a fresh `claiming` tag and no claim yet.
  const choosing: string[] = [];
  const staleChoosing: string[] = [];
  for (const t of droplet.tags) {
    const c = parseClaimingTag(t);
    if (!c || !appliesTo(c, droplet.id) || c.nonce === own) continue;
    if (c.since + CLAIMING_TTL_SECONDS * 1000 <= now) staleChoosing.push(t);
    else if (!claimants.has(c.nonce)) choosing.push(t);
  }
  return { live, expired, choosing, staleChoosing };
}

const holderOf = (c: ClaimTag): Holder => ({ runId: c.runId, plan: c.plan, by: c.by, since: c.since });

/**
 * Right before powering off: is the claim still this run's, with time left for the downtime?
 * Renews it (a new tag with a new `until`, same rank and nonce, then the old one removed) so
 * it outlasts the power-off window. Gives the claim to hold from now on, or why it is lost.
 */
export async function keepClaim(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  claim: ClaimTag,
): Promise<{ held: true; claim: ClaimTag } | { held: false; reason: string }> {
  return ctx.step(
    `keep claim ${r.droplet.name}`,
    async (): Promise<{ held: true; claim: ClaimTag } | { held: false; reason: string }> => {
      const lifetimeMs = claimLifetimeSeconds(r.plan) * 1000;
      const fresh = (c: ClaimTag, now: number) => c.until - now >= lifetimeMs - CLAIM_FRESH_SECONDS * 1000;
      // Made or renewed less than 5 min ago: it outlasts the downtime, nobody removes a live
      // claim, and it dates the power-off closely enough for the watchdog.
      if (fresh(claim, nowOf(deps))) return { held: true, claim };
      const droplet = await deps.api.getDroplet(r.droplet.id);
      const now = nowOf(deps);
      const current = droplet.tags
        .map(parseClaimTag)
        .filter((c): c is ClaimTag => c?.nonce === claim.nonce && appliesTo(c, r.droplet.id))
        .sort((a, b) => b.until - a.until)[0];
      if (!current) return { held: false, reason: "its claim on the droplet was removed (it had expired)" };
      if (now >= current.until - CLOCK_SKEW_SECONDS * 1000) {
        return { held: false, reason: `its claim expired at ${new Date(current.until).toISOString()}` };
      }
      if (fresh(current, now)) return { held: true, claim: current };
      const renewed = { ...current, until: Math.floor(now / 1000) * 1000 + lifetimeMs };
      const tag = claimTag(renewed);
      await deps.api.ensureTag(tag);
      await deps.api.tagDroplets(tag, [r.droplet.id]);
      await deps.api.deleteTag(current.tag).catch(() => undefined);
      return { held: true, claim: { ...renewed, tag } };
    },
    claimStep,
  );
}

/** At the end of the droplet's run, always: removes the claim (one call). Never throws: a claim left behind expires. */
export async function releaseClaim(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  claim: ClaimTag,
): Promise<string | undefined> {
  try {
    return await ctx.step(`release claim ${r.droplet.name}`, async () => {
      await deps.api.deleteTag(claim.tag).catch((error: unknown) => {
        if (!isNotFound(error)) throw error; // gone already (cleared as expired): nothing to release
      });
      return undefined;
    });
  } catch (error) {
    return `releasing its claim failed (${messageOf(error)}); it expires at ${new Date(claim.until).toISOString()}`;
  }
}

const isNotFound = (error: unknown) => (error as { status?: unknown } | undefined)?.status === 404;
