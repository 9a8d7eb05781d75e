/**
 * `verify` for one droplet: its latest complete archive run (through the store port), its
 * duplicity chain (file names through the same port), its latest lifeboat snapshot (through
 * the DigitalOcean port). The verdicts are the pure functions beside this file; the ports do
 * the reading. Used by the CLI, Slack and the run's own verify step alike.
 */
import type { Plan } from "../config/schema";
import type { Droplet, DropletApi } from "../ports/digitalocean";
import { type DuplicityFile, duplicityChainVerdict } from "./duplicity-chain";
import { scheduleIntervalSeconds } from "./interval";
import { type VerifyFinding, type VerifyReport, verifyReport } from "./report";
import { latestSnapshotVerdict } from "./snapshots";

export interface VerifyOptions {
  /** Share of the archives read back, 0…1. */
  readData: number;
  seed: number;
  /** Delete the debris found (only lifeboat's keys under runs/). */
  prune: boolean;
}

/** An archive the seeded sample picked, to be read back: what its manifest says of it (small, JSON). */
export interface ArchiveToRead {
  key: string;
  bytes: number;
  sha256: string;
  compression: "zstd" | "gzip" | "none";
}

/** The store's checks that need no archive read, and the archives the sample picked to read back. */
export interface StoreListing {
  findings: VerifyFinding[];
  toRead: ArchiveToRead[];
}

/**
 * What verify needs of the archive store (`@lifeboat/storage`'s `storeVerifier`). The read-back
 * is one call per archive so that the durable function can give each its own step: a droplet's
 * archives together may take longer to read than one Lambda invocation lasts.
 */
export interface StoreVerifier {
  /**
   * The droplet's latest complete run: its manifest parses, each object it lists is there with
   * its size; runs without a manifest older than a day are debris (deleted with `prune`). Also
   * picks the seeded share of its whole archives that `readBack` is to read.
   */
  listRun(droplet: string, options: VerifyOptions & { now: number }): Promise<StoreListing>;
  /** One archive read back: its sha256 matches the manifest's and it is a readable tar. */
  readBack(droplet: string, archive: ArchiveToRead): Promise<VerifyFinding>;
  /** The files of the droplet's duplicity target; absent when the store cannot hold duplicity (local). */
  duplicityFiles?(droplet: string): Promise<DuplicityFile[]>;
}

/**
 * The store's findings for one droplet in one go (the CLI's way, in-process): the listing's, then
 * each sampled archive's read-back, in the order the durable steps report them too.
 * @example await storeFindings(storeVerifier(sink), "gitlab", { readData: 1, seed, prune: false, now: Date.now() })
 */
export async function storeFindings(
  store: StoreVerifier,
  droplet: string,
  options: VerifyOptions & { now: number },
): Promise<VerifyFinding[]> {
  const listing = await store.listRun(droplet, options);
  const findings = [...listing.findings];
  for (const archive of listing.toRead) findings.push(await store.readBack(droplet, archive));
  return findings;
}

export interface VerifyDeps {
  api: Pick<DropletApi, "listDropletSnapshots" | "getImage">;
  store: StoreVerifier;
  /** ms since the epoch. */
  now: number;
}

/** One droplet's checks before any archive is read: the store's listing, then the snapshot's and duplicity chain's. */
export interface DropletListing extends StoreListing {
  /** The snapshot and duplicity chain findings, reported after the archives read back. */
  after: VerifyFinding[];
}

/**
 * Every finding for one droplet covered by `plans`.
 * @example await verifyDroplet({ api, store: storeVerifier(sink), now: Date.now() }, droplet, [plan], { readData: 0.1, seed, prune: false })
 */
export async function verifyDroplet(
  deps: VerifyDeps,
  droplet: Droplet,
  plans: readonly Plan[],
  options: VerifyOptions,
): Promise<VerifyFinding[]> {
  const listing = await listDroplet(deps, droplet, plans, options);
  const read: VerifyFinding[] = [];
  for (const archive of listing.toRead) read.push(await deps.store.readBack(droplet.name, archive));
  return [...listing.findings, ...read, ...listing.after];
}

/**
 * Everything verify checks of one droplet but the archives' read-back, and which archives to read.
 * @example const { findings, toRead, after } = await listDroplet(deps, droplet, [plan], { readData: 0.1, seed, prune: false })
 */
export async function listDroplet(
  deps: VerifyDeps,
  droplet: Droplet,
  plans: readonly Plan[],
  options: VerifyOptions,
): Promise<DropletListing> {
  const { findings, toRead } = await deps.store.listRun(droplet.name, { ...options, now: deps.now });
  const after: VerifyFinding[] = [];

  const snapshotPlans = plans.map((p) => p.name);
  if (snapshotPlans.length > 0) {
    const verdict = await latestSnapshotVerdict(deps.api, snapshotPlans, droplet);
    after.push({
      droplet: droplet.name,
      check: "snapshot",
      item: verdict.item,
      ok: verdict.problem === undefined,
      detail: verdict.problem ?? verdict.detail,
    });
  }

  const withDuplicity = plans.filter((p) => p.duplicity);
  if (withDuplicity.length > 0 && deps.store.duplicityFiles) {
    // One target per droplet, whichever plan writes it: the most lenient plan's allowance.
    const rule = withDuplicity
      .map((p) => ({
        fullEverySeconds: p.duplicity!.fullEvery.seconds,
        intervalSeconds: scheduleIntervalSeconds(p.schedule, new Date(deps.now), p.timezone),
      }))
      .sort((a, b) => b.fullEverySeconds + b.intervalSeconds - (a.fullEverySeconds + a.intervalSeconds))[0]!;
    const verdict = duplicityChainVerdict(await deps.store.duplicityFiles(droplet.name), rule, deps.now);
    for (const p of verdict.problems) {
      after.push({ droplet: droplet.name, check: "duplicity", item: p.item, ok: false, detail: p.problem });
    }
    if (verdict.problems.length === 0) {
      after.push({
        droplet: droplet.name,
        check: "duplicity",
        item: `chain of ${verdict.lastFull}`,
        ok: true,
        detail: `${verdict.sets} backup set${verdict.sets === 1 ? "" : "s"}, every volume there`,
      });
    }
  }
  return { findings, toRead, after };
}

/**
 * Every droplet of `targets` (./targets.ts), one after the other, into one report.
 * @example verifyAll(deps, await verifyTargets(api, config, "nightly"), { readData: 0.1, seed, prune: false })
 */
export async function verifyAll(
  deps: VerifyDeps,
  targets: ReadonlyArray<{ droplet: Droplet; plans: readonly Plan[] }>,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const findings: VerifyFinding[] = [];
  for (const { droplet, plans } of targets) findings.push(...(await verifyDroplet(deps, droplet, plans, options)));
  return verifyReport(findings, options.seed, options.readData);
}
