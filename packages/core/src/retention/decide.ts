/**
 * Retention verdicts: for every snapshot and archive run of a droplet, keep or delete, and
 * why, in the words of the plan's policy ("newest", "keepLast #2", "keepDaily 2026-11-29",
 * "just made", "not lifeboat's"). Pure: the GFS policy (./policy.ts) over what the caller
 * listed. What is not this plan's is listed as kept, never released.
 */
import type { RetentionPolicy } from "../config/schema";
import type { ArchiveRun } from "../ports/archive-catalog";
import type { DropletSnapshot } from "../ports/digitalocean";
import { ownSnapshots } from "./own-snapshots";
import { applyRetention, isoWeek, type KeepReason } from "./policy";

export type RetentionTargetName = "snapshots" | "archives";

export interface RetentionVerdict {
  target: RetentionTargetName;
  droplet: string;
  /** The snapshot's name or the archive run's id: what people read. */
  name: string;
  /** The snapshot's id or the archive run's id: what deleting it takes. */
  id: string;
  /** When it was made (ISO): the time in the snapshot's name, the run's manifest time. */
  at: string;
  action: "keep" | "delete";
  /** False for what is not this plan's: kept untouched, listed so nobody wonders. */
  planOwned: boolean;
  reasons: string[];
}

/** Why the policy releases an item. */
export const RELEASED = "no keep rule holds it";

export interface DecideInput {
  plan: { name: string; retention: RetentionPolicy };
  droplet: { id: number; name: string };
  /** The droplet's snapshots as DigitalOcean lists them (any maker). Absent: snapshots not decided. */
  snapshots?: readonly DropletSnapshot[];
  /** The droplet's complete archive runs (any plan). Absent: archives not decided. */
  runs?: readonly ArchiveRun[];
  /** Snapshot names and run ids this run just made: kept whatever the policy says. */
  justMade?: readonly string[];
}

/**
 * Every item's verdict, newest first per target (snapshots, then archive runs).
 * @example decideRetention({ plan, droplet: { id: 1, name: "web-1" }, snapshots, justMade: [taken.name] })
 */
export function decideRetention(input: DecideInput): RetentionVerdict[] {
  const { plan, droplet } = input;
  const justMade = new Set(input.justMade ?? []);
  const verdicts: RetentionVerdict[] = [];
  const base = { droplet: droplet.name };

  if (input.snapshots) {
    const own = ownSnapshots(input.snapshots, plan.name, droplet);
    const items = own.map((s) => ({ id: s.id, createdAt: s.takenAt, name: s.name }));
    verdicts.push(
      ...judge(items, plan.retention, justMade).map((v) => ({ ...base, target: "snapshots" as const, ...v })),
    );
    const owned = new Set(own.map((s) => s.id));
    for (const s of input.snapshots) {
      if (owned.has(s.id)) continue;
      verdicts.push({
        ...base,
        target: "snapshots",
        name: s.name,
        id: s.id,
        at: s.createdAt,
        action: "keep",
        planOwned: false,
        reasons: [foreignSnapshot(s, plan.name, droplet.id)],
      });
    }
  }

  if (input.runs) {
    const own = input.runs.filter((r) => r.plan === plan.name);
    const items = own.map((r) => ({ id: r.runId, createdAt: new Date(r.createdAt), name: r.runId }));
    verdicts.push(
      ...judge(items, plan.retention, justMade).map((v) => ({ ...base, target: "archives" as const, ...v })),
    );
    for (const r of input.runs) {
      if (r.plan === plan.name) continue;
      verdicts.push({
        ...base,
        target: "archives",
        name: r.runId,
        id: r.runId,
        at: r.createdAt,
        action: "keep",
        planOwned: false,
        reasons: [`plan ${r.plan}'s`],
      });
    }
  }
  return verdicts;
}

type Judged = Pick<RetentionVerdict, "name" | "id" | "at" | "action" | "planOwned" | "reasons">;

/** The policy's verdict on each of one plan's items, newest first, `justMade` (names or ids) always kept. */
export function judge(
  items: Array<{ id: string; createdAt: Date; name: string }>,
  policy: RetentionPolicy,
  justMade: ReadonlySet<string>,
): Judged[] {
  const protect = items.filter((i) => justMade.has(i.name) || justMade.has(i.id)).map((i) => i.id);
  const decision = applyRetention(items, policy, { protect });
  // The policy sorts newest first too: an item's place in that order is its keepLast number.
  const newestFirst = [...items].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
  );
  const rank = new Map(newestFirst.map((item, i) => [item.id, i + 1]));
  const kept: Judged[] = decision.keep.map(({ item, reasons }) => ({
    name: item.name,
    id: item.id,
    at: item.createdAt.toISOString(),
    action: "keep",
    planOwned: true,
    reasons: reasons.map((r) => reasonText(r, item.createdAt, rank.get(item.id) ?? 0)),
  }));
  const released: Judged[] = decision.remove.map((item) => ({
    name: item.name,
    id: item.id,
    at: item.createdAt.toISOString(),
    action: "delete",
    planOwned: true,
    reasons: [RELEASED],
  }));
  const order = new Map(newestFirst.map((item, i) => [item.id, i]));
  return [...kept, ...released].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/** A policy reason with the bucket that holds the item, e.g. "keepDaily 2026-11-29". */
function reasonText(reason: KeepReason, at: Date, rank: number): string {
  switch (reason) {
    case "newest":
      return "newest";
    case "protected":
      return "just made";
    case "last":
      return `keepLast #${rank}`;
    case "daily":
      return `keepDaily ${at.toISOString().slice(0, 10)}`;
    case "weekly":
      return `keepWeekly ${isoWeek(at)}`;
    case "monthly":
      return `keepMonthly ${at.toISOString().slice(0, 7)}`;
    case "yearly":
      return `keepYearly ${at.toISOString().slice(0, 4)}`;
  }
}

function foreignSnapshot(s: DropletSnapshot, plan: string, dropletId: number): string {
  if (s.dropletId !== dropletId) return "another droplet's";
  return s.name.startsWith("lifeboat-") ? `not plan ${plan}'s` : "not lifeboat's";
}
