/**
 * Whether a droplet's duplicity target holds a whole, fresh chain, read from the names of its
 * files alone (no key needed, no droplet needed). duplicity 0.8's own `collection-status` does
 * not notice a volume deleted from a set (it counts the volumes it finds), so lifeboat checks
 * each set's volume numbers run 1…N without a gap, each set has its manifest, the chain starts
 * with a full that has its signatures, each incremental starts where the chain ends, and the
 * newest full is no older than `fullEvery` + the schedule's interval (a full is due then).
 */

/** One file of duplicity's as the store lists it (the name after the target's prefix). */
export interface DuplicityFile {
  name: string;
}

interface BackupSet {
  kind: "full" | "inc";
  /** Start time (inc) or the full's time, as duplicity writes it: 20261130T121640Z. */
  start: string;
  end: string;
  manifest: boolean;
  volumes: number[];
}

const TIME = "(\\d{8}T\\d{6}Z)";
const FULL = new RegExp(`^duplicity-full\\.${TIME}\\.(manifest|vol(\\d+)\\.difftar)(\\.|$)`);
const INC = new RegExp(`^duplicity-inc\\.${TIME}\\.to\\.${TIME}\\.(manifest|vol(\\d+)\\.difftar)(\\.|$)`);
const FULL_SIGNATURES = new RegExp(`^duplicity-full-signatures\\.${TIME}\\.sigtar(\\.|$)`);

/** "20261130T121640Z" → ms since the epoch. */
export function duplicityTimeMs(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

const iso = (stamp: string) => new Date(duplicityTimeMs(stamp)).toISOString().replace(/\.000Z$/, "Z");

function setsOf(files: readonly DuplicityFile[]): { sets: BackupSet[]; signatures: Set<string> } {
  const byName = new Map<string, BackupSet>();
  const signatures = new Set<string>();
  for (const { name } of files) {
    if (name.endsWith(".part")) continue;
    const sig = FULL_SIGNATURES.exec(name);
    if (sig) {
      signatures.add(sig[1]!);
      continue;
    }
    const full = FULL.exec(name);
    const inc = full ? undefined : INC.exec(name);
    if (!full && !inc) continue;
    const [kind, start, end, what, volume] = full
      ? (["full", full[1]!, full[1]!, full[2]!, full[3]] as const)
      : (["inc", inc![1]!, inc![2]!, inc![3]!, inc![4]] as const);
    const id = `${kind} ${start} ${end}`;
    const set = byName.get(id) ?? { kind, start, end, manifest: false, volumes: [] };
    byName.set(id, set);
    if (what === "manifest") set.manifest = true;
    else set.volumes.push(Number(volume));
  }
  const sets = [...byName.values()].sort((a, b) =>
    a.end < b.end ? -1 : a.end > b.end ? 1 : a.kind === "full" ? -1 : 1,
  );
  return { sets, signatures };
}

export interface ChainRule {
  /** The plan's `fullEvery`, in seconds. */
  fullEverySeconds: number;
  /** Seconds between two runs of the plan's schedule. */
  intervalSeconds: number;
}

export interface ChainProblem {
  /** The set named ("full 2026-11-30T12:16:40Z", "incremental … → …"), or the target. */
  item: string;
  problem: string;
}

export interface ChainVerdict {
  /** The newest chain's full time (ISO), when there is one. */
  lastFull?: string;
  /** Backup sets in the newest chain. */
  sets: number;
  problems: ChainProblem[];
}

const setName = (s: BackupSet) =>
  s.kind === "full" ? `full ${iso(s.start)}` : `incremental ${iso(s.start)} → ${iso(s.end)}`;

/**
 * @example duplicityChainVerdict(files, { fullEverySeconds: 30 * 86400, intervalSeconds: 86400 }, Date.now())
 */
export function duplicityChainVerdict(files: readonly DuplicityFile[], rule: ChainRule, now: number): ChainVerdict {
  const { sets, signatures } = setsOf(files);
  const fulls = sets.filter((s) => s.kind === "full");
  const newest = fulls.at(-1);
  if (!newest) return { sets: 0, problems: [{ item: "target", problem: "no full backup found: there is no chain" }] };
  // The newest chain: its full, then each incremental that starts where the chain ends.
  const chain = [newest];
  for (const s of sets) {
    if (s.kind === "inc" && s.start === chain.at(-1)!.end) chain.push(s);
  }
  const problems: ChainProblem[] = [];
  for (const s of chain) {
    if (!s.manifest) problems.push({ item: setName(s), problem: "has no manifest (an incomplete backup set)" });
    const max = Math.max(0, ...s.volumes);
    const have = new Set(s.volumes);
    const gaps = Array.from({ length: max }, (_, i) => i + 1).filter((n) => !have.has(n));
    if (max === 0) problems.push({ item: setName(s), problem: "has no volumes" });
    else if (gaps.length > 0)
      problems.push({
        item: setName(s),
        problem: `lacks volume${gaps.length > 1 ? "s" : ""} ${gaps.join(", ")} of ${max}: the chain cannot be restored`,
      });
  }
  if (!signatures.has(newest.start)) {
    problems.push({ item: setName(newest), problem: "has no signature file (duplicity-full-signatures)" });
  }
  const orphans = sets.filter((s) => s.kind === "inc" && s.end > newest.end && !chain.includes(s));
  for (const s of orphans) {
    problems.push({ item: setName(s), problem: "does not follow the chain (an earlier set of its chain is missing)" });
  }
  const allowed = rule.fullEverySeconds + rule.intervalSeconds;
  const ageSeconds = Math.round((now - duplicityTimeMs(newest.start)) / 1000);
  if (ageSeconds > allowed) {
    problems.push({
      item: setName(newest),
      problem: `the newest full is ${Math.round(ageSeconds / 3600)} h old, more than fullEvery + the schedule's interval (${Math.round(allowed / 3600)} h): duplicity has not run as planned`,
    });
  }
  return { lastFull: iso(newest.start), sets: chain.length, problems };
}
