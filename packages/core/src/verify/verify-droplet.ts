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

/** What verify needs of the archive store (`@lifeboat/storage`'s `storeVerifier`). */
export interface StoreVerifier {
  /**
   * The droplet's latest complete run: its manifest parses, each object it lists is there with
   * its size, and a seeded share of its archives read back match their sha256 and are readable
   * tars; runs without a manifest older than a day are debris (deleted with `prune`).
   */
  runs(droplet: string, options: VerifyOptions & { now: number }): Promise<VerifyFinding[]>;
  /** The files of the droplet's duplicity target; absent when the store cannot hold duplicity (local). */
  duplicityFiles?(droplet: string): Promise<DuplicityFile[]>;
}

export interface VerifyDeps {
  api: Pick<DropletApi, "listDropletSnapshots" | "getImage">;
  store: StoreVerifier;
  /** ms since the epoch. */
  now: number;
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
  const findings = await deps.store.runs(droplet.name, { ...options, now: deps.now });

  const snapshotPlans = plans.map((p) => p.name);
  if (snapshotPlans.length > 0) {
    const verdict = await latestSnapshotVerdict(deps.api, snapshotPlans, droplet);
    findings.push({
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
      findings.push({ droplet: droplet.name, check: "duplicity", item: p.item, ok: false, detail: p.problem });
    }
    if (verdict.problems.length === 0) {
      findings.push({
        droplet: droplet.name,
        check: "duplicity",
        item: `chain of ${verdict.lastFull}`,
        ok: true,
        detail: `${verdict.sets} backup set${verdict.sets === 1 ? "" : "s"}, every volume there`,
      });
    }
  }
  return findings;
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
