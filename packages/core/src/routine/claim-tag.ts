/**
 * The tags of a droplet claim (./claim.ts): one lifeboat run per droplet, whoever started it.
 * Every starter (schedule, Slack, CLI, another machine) sees a droplet's tags, so the claim
 * lives there. A run makes one pair of tags and assigns them to all of its droplets at once
 * (a tag can carry many droplets), each unique to the run by its nonce:
 *
 *   `lifeboat-claiming:<nonce>:<since>`   "I am choosing my rank" (short-lived)
 *   `lifeboat-claim:<rank>:<nonce>:<since>:<until>:<plan>:<by>:<run id>`
 *
 * e.g. `lifeboat-claim:1:5f0c2a9e41b7:1796007600:1796016600:weekly:cli-alice:weekly-20261129T030000Z-cli`.
 * Times are epoch seconds; `until` is when the claim expires (a crashed run's claim stops
 * counting then); `by` says who started the run (trigger and user). DigitalOcean tag names
 * allow letters, digits, `_`, `-` and `:`, up to 255 characters: the fields are cut to fit
 * (longest case ~220). A claim can also name one droplet, `lifeboat-claim:<droplet id>:<rank>:…`:
 * a droplet's own claim, made when the run's would end during its downtime (./claim.ts
 * `keepClaim`), and every claim of earlier versions (as `lifeboat-claiming:<droplet id>:…`),
 * so a run that started before an upgrade keeps its droplets. It claims that droplet only.
 */

const FIELDS = String.raw`(\d{1,12}):([0-9a-f]{12}):(\d{9,11}):(\d{9,11}):([a-z0-9-]{1,32}):([A-Za-z0-9_-]{1,40}):([A-Za-z0-9_-]{1,64})`;
const CLAIM = new RegExp(`^lifeboat-claim:(?:(\\d{1,12}):)?${FIELDS}$`);
const CLAIMING = /^lifeboat-claiming:(?:(\d{1,12}):)?([0-9a-f]{12}):(\d{9,11})$/;

export interface ClaimTag {
  tag: string;
  /** Set on a droplet's own claim: the one droplet it claims. A run's tag claims every droplet that carries it. */
  dropletId?: number;
  /** Bakery rank: lower goes first; ties broken by `nonce`. */
  rank: number;
  /** 12 hex digits, random per claimer: tells one claimer's tags from another's. */
  nonce: string;
  /** When the claim was first made (ms since the epoch, whole seconds). */
  since: number;
  /** When it stops counting (ms since the epoch, whole seconds). */
  until: number;
  plan: string;
  /** Who started the run, e.g. `schedule`, `cli-alice`, `slack-U0LIFEBOAT1`. */
  by: string;
  runId: string;
}

export interface ClaimingTag {
  tag: string;
  /** Only in a tag of an earlier version (see ClaimTag). */
  dropletId?: number;
  nonce: string;
  since: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);
/** Only the characters a tag allows; empty becomes "unknown". */
const safe = (text: string, max: number) => text.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, max) || "unknown";

/** `by` for a claim: the trigger, and who asked when known. @example startedBy("cli", "cli:alice") // "cli-alice" */
export function startedBy(trigger: string, requestedBy?: string): string {
  if (!requestedBy) return safe(trigger, 40);
  return safe(requestedBy.startsWith(`${trigger}:`) ? requestedBy : `${trigger}-${requestedBy}`, 40);
}

export function claimTag(c: Omit<ClaimTag, "tag">): string {
  return [
    "lifeboat-claim",
    ...(c.dropletId !== undefined ? [c.dropletId] : []),
    c.rank,
    c.nonce,
    seconds(c.since),
    seconds(c.until),
    c.plan,
    safe(c.by, 40),
    safe(c.runId, 64),
  ].join(":");
}

export function claimingTag(nonce: string, since: number): string {
  return `lifeboat-claiming:${nonce}:${seconds(since)}`;
}

/** The claim in a tag name; undefined for any other tag. */
export function parseClaimTag(tag: string): ClaimTag | undefined {
  const m = CLAIM.exec(tag);
  if (!m) return undefined;
  return {
    tag,
    ...(m[1] !== undefined ? { dropletId: Number(m[1]) } : {}),
    rank: Number(m[2]),
    nonce: m[3]!,
    since: Number(m[4]) * 1000,
    until: Number(m[5]) * 1000,
    plan: m[6]!,
    by: m[7]!,
    runId: m[8]!,
  };
}

export function parseClaimingTag(tag: string): ClaimingTag | undefined {
  const m = CLAIMING.exec(tag);
  if (!m) return undefined;
  return { tag, ...(m[1] !== undefined ? { dropletId: Number(m[1]) } : {}), nonce: m[2]!, since: Number(m[3]) * 1000 };
}

/** Whether a claim (or claiming) tag applies to this droplet: a run's tag to any droplet carrying it, an earlier version's to its own droplet only. */
export const appliesTo = (c: { dropletId?: number }, dropletId: number) =>
  c.dropletId === undefined || c.dropletId === dropletId;

/** Bakery order: rank, then nonce. Negative when `a` goes first. */
export const claimOrder = (a: Pick<ClaimTag, "rank" | "nonce">, b: Pick<ClaimTag, "rank" | "nonce">) =>
  a.rank - b.rank || (a.nonce < b.nonce ? -1 : a.nonce > b.nonce ? 1 : 0);

/** A fresh nonce: 12 hex digits. Call it inside a durable step (it is random). */
export function newNonce(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
