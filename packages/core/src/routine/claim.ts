/**
 * Step 0, the droplet claim: a droplet is in at most one lifeboat run at a time, whoever
 * started it. The claim is a pair of tags (./claim-tag.ts) that the run makes once and
 * assigns to all of its droplets together, and the protocol is Lamport's bakery over them, so
 * two starters racing within the same second still end with exactly one winner per droplet,
 * whatever their clocks say:
 *
 *   doorway  tag every droplet `claiming` (I am choosing) → read them all → tag them all with my
 *            claim, ranked 1 + the highest live rank seen on any of them → remove `claiming`
 *   check    read them all; while another claimer is still choosing on a droplet, look again
 *            (5 s); then a droplet is mine unless a live claim on it goes before mine (rank,
 *            then nonce)
 *   loser    takes its claim off the droplets it lost and does not touch them
 *
 * About seven calls for the whole run, however many droplets (a tag request carries up to 50,
 * a listing 200), where a claim of each droplet alone cost six per droplet.
 *
 * Why the doorway: a claimer that saw nobody and went ahead must make every later claimer
 * lose. A later claimer either was choosing when the first looked (so the first waited for
 * its rank) or started choosing after, and then read the first's claim and ranked itself
 * behind it. Oldest-time-wins alone cannot promise that: a claim written after the winner
 * looked may carry an older time or a smaller tie-breaker. One rank for many droplets is
 * still a bakery rank for each: it is above every rank seen on each of them.
 *
 * A claim counts until `until`, so a crashed run's claim does not block its droplets for
 * ever: a run claims for its whole length (`runClaimSeconds`), and a droplet whose turn comes
 * so late that the claim would end during its downtime gets a claim of its own first
 * (`keepClaim`: a tag naming the droplet). A claimer ignores an expired claim and removes it
 * (takes over), but not from a droplet that is off: there it is the watchdog's mark of a
 * droplet lifeboat may have left off (../watchdog.ts dates the power-off from DigitalOcean).
 * Each droplet is released when its run is done with it (`releaseClaim`); the run's tag is
 * deleted at the end (`retireRunClaim`), unless a droplet that may still be off keeps it.
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

/** Added to the plan's maxDowntime: how long a droplet's claim counts at least. */
export const CLAIM_MARGIN_SECONDS = 30 * 60;
/** A `claiming` tag older than this is a crashed doorway's, not a claimer still choosing. */
export const CLAIMING_TTL_SECONDS = 5 * 60;
/** The longest a run claims its droplets for in one go: a crashed run blocks them no longer. */
export const RUN_CLAIM_MAX_SECONDS = 24 * 3600;
/** A holder gives its claim up this long before `until`, so a clock a little behind never lets two runs hold it. */
const CLOCK_SKEW_SECONDS = 60;
const CHECK_POLL = { seconds: 5 };

/** How long one droplet's claim must count: its downtime, with a margin. */
export function claimLifetimeSeconds(plan: DropletRun["plan"]): number {
  return plan.snapshot.maxDowntime.seconds + CLAIM_MARGIN_SECONDS;
}

/**
 * How long a run claims its droplets for: a droplet's lifetime for each round of
 * `concurrency` droplets, at most RUN_CLAIM_MAX_SECONDS. A droplet whose turn comes later
 * than that claims on its own (`keepClaim`).
 * @example runClaimSeconds(plan, 5) // plan: maxDowntime 2h, concurrency 2 → 3 rounds × 2.5 h = 27000
 */
export function runClaimSeconds(plan: DropletRun["plan"], droplets: number): number {
  const rounds = Math.max(1, Math.ceil(droplets / plan.concurrency));
  return Math.min(RUN_CLAIM_MAX_SECONDS, claimLifetimeSeconds(plan) * rounds);
}

/** The run that holds a droplet, as a loser reports it. */
export interface Holder {
  runId: string;
  plan: string;
  by: string;
  /** ms since the epoch */
  since: number;
}

/** What the claim decided for one droplet. */
export type Claimed =
  | {
      won: true;
      /** Absent in a dry run, which claims nothing. */
      claim?: ClaimTag;
      /** The droplet's `snapshot_ids` as read when the claim won (./run-snapshots.ts). */
      snapshotIds?: string[];
    }
  | { won: false; holder?: Holder; reason: string };

/** The run's claim: its tag (none in a dry run) and the verdict for each droplet, by droplet id. */
export interface RunClaim {
  claim?: ClaimTag;
  verdicts: Record<number, Claimed>;
  /** Expired claims taken over, as `droplet: tag`. */
  cleared: string[];
}

/** `droplet ssh is in run weekly-… (started by cli-alice, since 2026-…Z)` */
export function busyMessage(droplet: string, h: Holder): string {
  return `droplet ${droplet} is in run ${h.runId} (started by ${h.by}, since ${new Date(h.since).toISOString()})`;
}

/** Transient API errors: a few tries, 5 s apart (each try cleans up after itself). */
const claimStep: StepOptions = {
  retryStrategy: (_error, attempt) =>
    attempt < 3 ? { shouldRetry: true, delay: { seconds: 5 * attempt } } : { shouldRetry: false },
};

interface RunOf {
  runId: string;
  plan: DropletRun["plan"];
}

/**
 * Claims the run's droplets. A droplet lost is untouched, carries none of this run's tags,
 * and `droplet.busy` was emitted for it. A dry run writes nothing: it reads the claims on the
 * droplets as the run's listing saw them.
 */
export async function claimDroplets(
  ctx: DurableSteps,
  deps: RoutineDeps,
  run: RunOf,
  droplets: Droplet[],
  o: { by: string; dryRun: boolean },
): Promise<RunClaim> {
  if (droplets.length === 0) return { verdicts: {}, cleared: [] };
  if (o.dryRun) {
    const holders = await ctx.step("claim look", async () => {
      const now = nowOf(deps);
      return droplets.map((d) => {
        const first = claimsOn(d, now).live.sort(claimOrder)[0];
        return first ? holderOf(first) : null;
      });
    });
    const verdicts: Record<number, Claimed> = {};
    for (const [i, d] of droplets.entries()) {
      const holder = holders[i];
      verdicts[d.id] = holder ? await lost(ctx, deps, run, d, holder) : { won: true };
    }
    return { verdicts, cleared: [] };
  }

  // Recorded, so a retried or replayed doorway knows its own tags.
  const nonce = await ctx.step("claim nonce", async () => newNonce());
  const mine = await ctx.step("claim", () => doorway(deps, run, droplets, o.by, nonce), claimStep);

  const polled = await pollUntil<Check>(
    ctx,
    "claim check",
    async () => {
      const now = nowOf(deps);
      const carrying = new Map((await deps.api.listDropletsByTag(mine.tag)).map((d) => [d.id, d]));
      const check: Check = { verdicts: {}, cleared: [] };
      for (const { id } of droplets) {
        const droplet = carrying.get(id);
        if (!droplet) {
          check.verdicts[id] = { won: false, reason: "its claim was removed while it checked" };
          continue;
        }
        const seen = claimsOn(droplet, now, nonce);
        if (seen.choosing.length > 0) continue; // undecided: looked at again
        const first = [...seen.live, mine].sort(claimOrder)[0]!;
        if (first.nonce !== nonce) {
          check.verdicts[id] = { won: false, reason: "", holder: holderOf(first) };
          continue;
        }
        // Taken over; a droplet still off keeps an expired claim: it is the watchdog's mark until it is on again.
        for (const stale of droplet.status === "off" ? [] : seen.expired) {
          await removeClaim(deps, stale, id).catch(() => undefined); // gone already is fine
          check.cleared.push(`${droplet.name}: ${stale.tag}`);
        }
        const snapshotIds = droplet.snapshotIds;
        check.verdicts[id] = { won: true, ...(snapshotIds ? { snapshotIds } : {}) };
      }
      return { done: droplets.every((d) => d.id in check.verdicts), value: check };
    },
    { delay: () => CHECK_POLL, giveUpSeconds: CLAIMING_TTL_SECONDS + 60, maxErrors: 5 },
  );
  const checked = polled.value;
  const couldNot = polled.lastError ? `could not check the claim: ${polled.lastError}` : "could not check the claim";

  const verdicts: Record<number, Claimed> = {};
  const lostIds: number[] = [];
  for (const d of droplets) {
    const v = polled.done ? checked?.verdicts[d.id] : undefined;
    if (v?.won) {
      verdicts[d.id] = { won: true, claim: mine, ...(v.snapshotIds ? { snapshotIds: v.snapshotIds } : {}) };
      continue;
    }
    lostIds.push(d.id);
    verdicts[d.id] = v?.holder
      ? await lost(ctx, deps, run, d, v.holder)
      : { won: false, reason: `${d.name} was not touched: ${v?.reason || couldNot}` };
  }
  if (lostIds.length > 0) {
    await ctx.step("withdraw claim", async () => {
      // Every droplet lost: the tag goes with them (one call); else it comes off those only.
      const withdraw =
        lostIds.length === droplets.length ? deps.api.deleteTag(mine.tag) : deps.api.untagDroplets(mine.tag, lostIds);
      await withdraw.catch(() => undefined); // left behind, it expires
      return true;
    });
  }
  const won = lostIds.length < droplets.length;
  return { ...(won ? { claim: mine } : {}), verdicts, cleared: checked?.cleared ?? [] };
}

interface Check {
  verdicts: Record<number, { won: boolean; reason?: string; holder?: Holder; snapshotIds?: string[] }>;
  cleared: string[];
}

async function lost(ctx: DurableSteps, deps: RoutineDeps, run: RunOf, d: Droplet, holder: Holder): Promise<Claimed> {
  await emit(ctx, deps, `busy ${d.name}`, {
    runId: run.runId,
    plan: run.plan.name,
    droplet: d.name,
    type: "droplet.busy",
    dropletId: d.id,
    heldBy: {
      runId: holder.runId,
      plan: holder.plan,
      startedBy: holder.by,
      since: new Date(holder.since).toISOString(),
    },
  });
  return { won: false, holder, reason: busyMessage(d.name, holder) };
}

/** The bakery doorway for all the droplets, in one step. Removes what it tagged when it fails, so a retry starts clean. */
async function doorway(
  deps: RoutineDeps,
  run: RunOf,
  droplets: Droplet[],
  by: string,
  nonce: string,
): Promise<ClaimTag> {
  const ids = droplets.map((d) => d.id);
  const since = Math.floor(nowOf(deps) / 1000) * 1000;
  const choosing = claimingTag(nonce, since);
  let claim: string | undefined;
  try {
    await deps.api.ensureTag(choosing);
    await deps.api.tagDroplets(choosing, ids);
    const seen = await deps.api.listDropletsByTag(choosing);
    const now = nowOf(deps);
    const fields = {
      // A claim of one droplet names it, so its release deletes it: no tag left to delete at the end.
      ...(droplets.length === 1 ? { dropletId: ids[0] } : {}),
      rank: 1 + Math.max(0, ...seen.flatMap((d) => claimsOn(d, now, nonce).live.map((c) => c.rank))),
      nonce,
      since,
      until: since + runClaimSeconds(run.plan, droplets.length) * 1000,
      plan: run.plan.name,
      by,
      runId: run.runId,
    };
    claim = claimTag(fields);
    await deps.api.ensureTag(claim);
    await deps.api.tagDroplets(claim, ids);
    await deps.api.deleteTag(choosing);
    // Tags of an earlier try of this step that crashed before it could clean up.
    const leftovers = new Set(seen.flatMap((d) => d.tags).filter((t) => t !== claim && t !== choosing));
    for (const t of leftovers) if (ownedBy(t, nonce)) await deps.api.deleteTag(t).catch(() => undefined);
    return { tag: claim, ...fields };
  } catch (error) {
    for (const t of [choosing, claim]) if (t) await deps.api.deleteTag(t).catch(() => undefined);
    throw error;
  }
}

const ownedBy = (tag: string, nonce: string) =>
  parseClaimTag(tag)?.nonce === nonce || parseClaimingTag(tag)?.nonce === nonce;

/** What a droplet's tags say about claims on it at `now`, leaving out `own` (a nonce). */
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
 * Takes a claim off one droplet: a run's tag comes off that droplet only (others of the run may
 * still need it), and is deleted once no droplet carries it; a droplet's own tag is deleted.
 */
export async function removeClaim(
  deps: Pick<RoutineDeps, "api">,
  claim: Pick<ClaimTag, "tag" | "dropletId">,
  dropletId: number,
): Promise<void> {
  if (claim.dropletId !== undefined) return deps.api.deleteTag(claim.tag);
  await deps.api.untagDroplets(claim.tag, [dropletId]);
  if ((await deps.api.listDropletsByTag(claim.tag)).length === 0) await deps.api.deleteTag(claim.tag);
}

/**
 * Before the droplet's work, before a power-off, and while a job runs: is the claim still this
 * run's, with time left for the downtime? Costs nothing while the claim has that time. When it
 * has not (a turn late in a long run, an approval that took hours), the droplet gets a claim of
 * its own, same rank and nonce, with a new `until`: a tag naming the droplet, assigned before
 * the run's comes off it. Gives the claim to hold from now on, or why it is lost.
 */
export async function keepClaim(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  claim: ClaimTag,
): Promise<{ held: true; claim: ClaimTag } | { held: false; reason: string }> {
  const needMs = (r.plan.snapshot.maxDowntime.seconds + CLOCK_SKEW_SECONDS) * 1000;
  return ctx.step(
    `keep claim ${r.droplet.name}`,
    async (): Promise<{ held: true; claim: ClaimTag } | { held: false; reason: string }> => {
      if (claim.until - nowOf(deps) >= needMs) return { held: true, claim };
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
      if (current.until - now >= needMs) return { held: true, claim: current };
      const renewed = {
        ...current,
        dropletId: r.droplet.id,
        until: Math.floor(now / 1000) * 1000 + claimLifetimeSeconds(r.plan) * 1000,
      };
      const tag = claimTag(renewed);
      await deps.api.ensureTag(tag);
      await deps.api.tagDroplets(tag, [r.droplet.id]);
      await removeClaim(deps, current, r.droplet.id).catch(() => undefined); // left behind, it expires
      return { held: true, claim: { ...renewed, tag } };
    },
    claimStep,
  );
}

/**
 * When the droplet's turn comes: the run's claim, kept (`keepClaim`), or, when it ended before
 * this turn (a long run) or was taken over meanwhile, the droplet claimed again on its own, like
 * any starter would (the doorway, for this droplet alone).
 */
export async function claimForTurn(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  claim: ClaimTag,
  by: string,
): Promise<{ held: true; claim: ClaimTag } | { held: false; reason: string }> {
  const kept = await keepClaim(ctx, deps, r, claim);
  if (kept.held) return kept;
  await releaseClaim(ctx, deps, r, claim); // what may be left of it on this droplet
  const again = (await claimDroplets(ctx, deps, r, [r.droplet], { by, dryRun: false })).verdicts[r.droplet.id];
  if (again?.won && again.claim) return { held: true, claim: again.claim };
  return { held: false, reason: again && !again.won ? again.reason : kept.reason };
}

/** At the end of the droplet's run, always: takes the claim off the droplet (one call). Never throws: a claim left behind expires. */
export async function releaseClaim(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  claim: ClaimTag,
): Promise<string | undefined> {
  try {
    return await ctx.step(`release claim ${r.droplet.name}`, async () => {
      const release =
        claim.dropletId !== undefined
          ? deps.api.deleteTag(claim.tag)
          : deps.api.untagDroplets(claim.tag, [r.droplet.id]);
      await release.catch((error: unknown) => {
        if (!isNotFound(error)) throw error; // gone already (cleared as expired): nothing to release
      });
      return undefined;
    });
  } catch (error) {
    return `releasing its claim failed (${messageOf(error)}); it expires at ${new Date(claim.until).toISOString()}`;
  }
}

/**
 * At the run's end: the run's tag comes off every droplet that still carries it and is on (a
 * release that failed, a droplet whose work ended in an error), then goes, unless a droplet
 * keeps it: one that is off or whose power-on failed (the watchdog's mark; the watchdog takes
 * it off once that droplet is on). One listing and one or two calls per run. Never throws.
 */
export async function retireRunClaim(
  ctx: DurableSteps,
  deps: RoutineDeps,
  runClaim: RunClaim,
  keptBy: number[],
): Promise<void> {
  const { claim } = runClaim;
  // A claim that names its droplet went with that droplet's release.
  if (!claim || claim.dropletId !== undefined) return;
  await ctx
    .step("retire claim", async () => {
      const carrying = await deps.api.listDropletsByTag(claim.tag);
      const keeping = carrying.filter((d) => d.status === "off" || keptBy.includes(d.id));
      if (keeping.length === 0) {
        await deps.api.deleteTag(claim.tag).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      } else {
        await deps.api.untagDroplets(
          claim.tag,
          carrying.filter((d) => !keeping.includes(d)).map((d) => d.id),
        );
      }
      return true;
    })
    .catch(() => undefined); // left behind, it expires
}

const isNotFound = (error: unknown) => (error as { status?: unknown } | undefined)?.status === 404;
