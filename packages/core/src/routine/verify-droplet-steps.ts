/**
 * One droplet's verify in durable steps: the store checks (../verify/verify-droplet.ts), the
 * listing, sizes, snapshot and the seeded sample in one step, then one step per archive read back
 * (a replay reads again none that finished), and, for each plan that sets `verify.duplicityPath`, `duplicity
 * verify` on the droplet as a job (./duplicity-verify-step.ts). The run's verify step and a
 * requested verify (`/lifeboat verify`, ../verify/run-verify.ts) both verify a droplet here, so the
 * same command finds the same things wherever it runs. A check that cannot run is a broken finding.
 */
import type { Plan } from "../config/schema";
import type { Droplet, DropletApi } from "../ports/digitalocean";
import type { VerifyFinding } from "../verify/report";
import { type ArchiveToRead, type DropletListing, listDroplet, type StoreVerifier } from "../verify/verify-droplet";
import { messageOf } from "./deps";
import { followDuplicityVerify } from "./duplicity-verify-step";
import type { DurableSteps } from "./durable";
import { type DropletHost, type DropletHosts, noHostReason } from "./host";

export interface VerifyDropletStepsDeps {
  api: DropletApi;
  /** The archive store; absent: no store checks (a run's duplicity verify still runs). */
  store?: StoreVerifier;
  /** How the droplet is reached over SSH for `duplicity verify`; absent: that is a broken finding. */
  hosts?: DropletHosts;
  /** ms since the epoch. */
  now: () => number;
}

export interface VerifyDropletStepsOptions {
  /** Share of the archives read back, 0…1. */
  readData: number;
  seed: number;
  /** Names the duplicity verify's job on the droplet: the run's id, or the verify's. */
  runId: string;
}

/**
 * Every finding for one droplet covered by `plans`: the store's, then each duplicity verify's.
 * @example findings.push(...(await verifyDropletSteps(ctx, { api, store, hosts, now }, droplet, [plan], { readData: 0.1, seed, runId })));
 */
export async function verifyDropletSteps(
  ctx: DurableSteps,
  deps: VerifyDropletStepsDeps,
  droplet: Droplet,
  plans: readonly Plan[],
  options: VerifyDropletStepsOptions,
): Promise<VerifyFinding[]> {
  const findings: VerifyFinding[] = [];
  const { store } = deps;
  if (store) findings.push(...(await storeSteps(ctx, { ...deps, store }, droplet, plans, options)));
  for (const plan of plans) {
    if (!plan.duplicity || plan.verify?.duplicityPath === undefined) continue;
    const host = hostOf(deps.hosts, droplet, { runId: options.runId, plan, dryRun: false });
    const found = await followDuplicityVerify(ctx, { plan, droplet: droplet.name, host, now: deps.now });
    if (found) findings.push(found);
  }
  return findings;
}

/**
 * The store's findings in the order `lifeboat verify` reports them: the listing's, each archive
 * read back, then the snapshot's and duplicity chain's.
 */
async function storeSteps(
  ctx: DurableSteps,
  deps: VerifyDropletStepsDeps & { store: StoreVerifier },
  droplet: Droplet,
  plans: readonly Plan[],
  options: VerifyDropletStepsOptions,
): Promise<VerifyFinding[]> {
  const { store } = deps;
  const listing = await ctx
    .step(
      `verify ${droplet.name}`,
      (): Promise<DropletListing> =>
        listDroplet({ api: deps.api, store, now: deps.now() }, droplet, plans, {
          readData: options.readData,
          seed: options.seed,
          prune: false,
        }),
    )
    .catch(
      (error): DropletListing => ({
        findings: [
          {
            droplet: droplet.name,
            check: "manifest",
            item: "store",
            ok: false,
            detail: `could not verify: ${messageOf(error)}`,
          },
        ],
        toRead: [],
        after: [],
      }),
    );
  const read: VerifyFinding[] = [];
  // One step per archive: a droplet's archives together can take longer to read than one
  // invocation of the function lasts (15 minutes), one archive rarely does. One larger than the
  // function reads in 15 minutes (~50 GB at ~60 MB/s from S3) would still not finish: that needs
  // ranged reads carrying the sha256 and tar state across steps, not built.
  for (const [index, archive] of listing.toRead.entries()) {
    const name = `verify ${droplet.name} read ${index + 1} of ${listing.toRead.length}`;
    read.push(
      await ctx
        .step(name, () => store.readBack(droplet.name, archive))
        .catch((error) => unreadFinding(droplet, archive, error)),
    );
  }
  return [...listing.findings, ...read, ...listing.after];
}

/** A read-back step that failed even after its retries: the archive is named, the others are still read. */
const unreadFinding = (droplet: Droplet, archive: ArchiveToRead, error: unknown): VerifyFinding => ({
  droplet: droplet.name,
  check: "data",
  item: archive.key,
  ok: false,
  detail: `could not be read back: ${messageOf(error)}`,
});

/** The droplet's host for the duplicity verify, or why there is none, in words. */
function hostOf(
  hosts: DropletHosts | undefined,
  droplet: Droplet,
  run: { runId: string; plan: Plan; dryRun: false },
): DropletHost | string {
  const given = hosts?.(droplet, run);
  if (given && !("skipped" in given)) return given;
  return `${droplet.name} is not reachable over SSH: ${noHostReason(given, hosts !== undefined, droplet.name)}`;
}
