/**
 * One droplet, the steps of docs/design.md "The routine, step by step" in order:
 *   0    the run's claim on the droplet (one lifeboat run per droplet), made for all the run's
 *        droplets at its start by ./run-plan.ts; a lost claim skips it      ./claim.ts
 *   1–3  SSH phases through the DropletHost port, when given: pre hooks, inventory, archives
 *        (then archive retention), duplicity, post hooks                  ./ssh-phases.ts
 *   4    approval gate                                                    ./approval.ts
 *   5–7  offline: shutdown, snapshot, and always power on, restart the containers, SSH check
 *        (the claim marks the droplet off for the watchdog) ./offline-snapshot.ts (./power.ts, ./snapshot.ts)
 *        live: the snapshot alone, the droplet stays on (containers checked at the end, `finish`)
 *   7b   copies of the snapshot to `snapshot.copyTo` regions, waited for  ./copy-snapshot.ts
 *   8    retention of this plan's snapshots                               ./retention.ts
 *   9    events at every phase; the droplet's outcome                     ./droplet-report.ts
 * Runs inside its own child context (one per droplet, see ./run-plan.ts) and never throws:
 * a failure ends as outcome "failed" with `run.failed` emitted and the droplet back on.
 */
import type { Droplet, DropletSnapshot } from "../ports/digitalocean";
import { approvalGate } from "./approval";
import { clearOfBackupWindow } from "./backup-window";
import { type Claimed, claimForTurn, keepClaim, releaseClaim } from "./claim";
import type { ClaimTag } from "./claim-tag";
import { copySnapshot, type SnapshotCopies } from "./copy-snapshot";
import type { RoutineDeps } from "./deps";
import type { RunBackups } from "./droplet-backups";
import { type DropletOutcome, DropletReport } from "./droplet-report";
import type { DurableSteps } from "./durable";
import { phaseOf } from "./failure";
import { offlineSnapshot, type SnapshotResult } from "./offline-snapshot";
import type { DropletRun } from "./power";
import { retainSnapshots } from "./retention";
import { type ListedSnapshots, ownFromRunListing } from "./run-snapshots";
import { type SnapshotTaken, takeSnapshot } from "./snapshot";
import { restartContainers, type SshPhases, sshPhases } from "./ssh-phases";
import { estimateFrom, expectedDowntimeSeconds, readSnapshotHistory, type SnapshotEstimate } from "./timing";

export type { DropletOutcome, PhaseStatus } from "./droplet-report";

export interface RunOptions {
  runId: string;
  dryRun: boolean;
  /** When the run started (ms since the epoch); handed to the droplet host as the archives' clock. */
  startedAt?: number;
  /** Who started the run, as the droplet claim names it (see ./claim-tag.ts `startedBy`). */
  startedBy?: string;
  /** The run's one listing of snapshots (./run-snapshots.ts), when it took one. */
  snapshots?: ListedSnapshots[];
  /** The droplets' DO Backups as the run read (and reconciled) them: their windows are kept clear of power-offs. */
  backups?: RunBackups;
}

/**
 * Steps 1–9 on a droplet the run claimed at its start (step 0, ./claim.ts), and always the
 * claim's release at the end (after the power-on). A droplet another run holds is skipped, untouched.
 */
export async function backupDroplet(
  ctx: DurableSteps,
  deps: RoutineDeps,
  run: RunOptions & Pick<DropletRun, "plan">,
  droplet: Droplet,
  claimed: Claimed,
): Promise<DropletOutcome> {
  const r: DropletRun = { runId: run.runId, plan: run.plan, droplet };
  if (!claimed.won) {
    return { droplet: droplet.name, dropletId: droplet.id, outcome: "skipped", detail: claimed.reason, phases: {} };
  }
  // The run claimed every droplet at its start: this one's turn may come after that claim ended.
  const turn = claimed.claim
    ? await claimForTurn(ctx, deps, r, claimed.claim, run.startedBy ?? "unknown")
    : { held: true as const, claim: undefined };
  if (!turn.held) {
    return { droplet: droplet.name, dropletId: droplet.id, outcome: "skipped", detail: turn.reason, phases: {} };
  }
  const claim = new HeldClaim(ctx, deps, r, turn.claim);
  let outcome: DropletOutcome | undefined;
  try {
    const listed = ownFromRunListing(run.snapshots, droplet.id, claimed.snapshotIds);
    outcome = await backupClaimed(ctx, deps, run, r, claim, listed);
  } finally {
    // A droplet that may still be off keeps the claim: the watchdog's mark (./claim.ts).
    const failedRelease = outcome?.phases["power on"] === "failed" ? undefined : await claim.release();
    if (outcome && failedRelease) outcome.detail = [outcome.detail, failedRelease].filter(Boolean).join("; ");
  }
  return outcome;
}

/** Steps 1–9 on a droplet this run holds. */
async function backupClaimed(
  ctx: DurableSteps,
  deps: RoutineDeps,
  run: RunOptions,
  r: DropletRun,
  claim: HeldClaim,
  listed: ListedSnapshots | undefined,
): Promise<DropletOutcome> {
  const report = new DropletReport(ctx, deps, r);
  const backupsFailed = run.backups?.failed?.[r.droplet.id];
  if (backupsFailed) report.note(backupsFailed); // reported, never a reason to fail the backup
  const ssh = await sshPhases(ctx, deps, r, run, report, claim);

  if (r.plan.snapshot.mode === "none") {
    report.phase("snapshot", "skipped");
    report.note("snapshots are off for this plan");
    return finish(ctx, r, ssh, report, report.anyFailed ? "failed" : "succeeded");
  }
  const history = await snapshotHistory(ctx, deps, r, report, listed);
  if (!history) return finish(ctx, r, ssh, report, "failed");

  // No power-off inside the droplet's DO Backups window (./backup-window.ts): checked before asking, and before powering off.
  const window = {
    backups: run.backups,
    expectedDowntimeSeconds: expectedDowntimeSeconds(history.estimate),
    keepClaim: () => claim.keep(),
  };
  if (r.plan.snapshot.mode === "offline" && r.plan.snapshot.approval.required) {
    const clear = await clearOfBackupWindow(ctx, deps, r, window, "approval", report);
    if (!clear.go) return windowSkip(ctx, r, ssh, report, clear.reason);
  }
  const how = await approval(ctx, deps, r, history.estimate, report);
  if (how === "skip") return finish(ctx, r, ssh, report, "skipped");
  if (how === "offline") {
    const clear = await clearOfBackupWindow(ctx, deps, r, window, "power off", report);
    if (!clear.go) return windowSkip(ctx, r, ssh, report, clear.reason);
  }

  const lostClaim = await claim.keep();
  if (lostClaim) {
    report.phase("snapshot", "skipped");
    report.note(`snapshot skipped: ${lostClaim}`);
    return finish(ctx, r, ssh, report, "skipped");
  }

  const shot =
    how === "live"
      ? await liveSnapshot(ctx, deps, r, history.estimate, report)
      : await offlineSnapshot(ctx, deps, r, history.estimate, ssh, report);

  let copies: SnapshotCopies | undefined;
  if (shot.taken) {
    report.noteFirst(`snapshot ${shot.taken.name} (${shot.taken.durationSeconds}s)`);
    // The droplet is on again: the copies (#16 §2) cost no downtime, however long they take.
    copies = await copySnapshot(ctx, deps, r, shot.taken, report);
    if (copies?.failed.length) {
      // An older snapshot's copy may be the only one in that region now: nothing is deleted this run.
      report.phase("retention", "skipped");
      report.note("retention held: no old snapshot is deleted while this one lacks a copy");
    } else await retention(ctx, deps, r, shot.taken, run.dryRun, history.own, report);
  }
  const outcome = report.anyFailed ? "failed" : "succeeded";
  const figures = {
    ...(shot.taken ? { snapshot: shot.taken.name } : {}),
    ...(copies ? { copies } : {}),
    ...(shot.downtimeSeconds !== undefined ? { downtimeSeconds: shot.downtimeSeconds } : {}),
  };
  // An offline snapshot went through step 7, which dealt with the containers already.
  return how === "live" ? finish(ctx, r, ssh, report, outcome, figures) : report.outcome(outcome, figures);
}

/** The snapshot is skipped: the droplet's DO Backups window did not let it be powered off. */
function windowSkip(ctx: DurableSteps, r: DropletRun, ssh: SshPhases, report: DropletReport, reason: string) {
  report.phase("snapshot", "skipped");
  report.note(reason);
  return finish(ctx, r, ssh, report, "skipped");
}

/** This run's claim on the droplet (none in a dry run), renewed as it is kept. */
class HeldClaim {
  constructor(
    private readonly ctx: DurableSteps,
    private readonly deps: RoutineDeps,
    private readonly r: DropletRun,
    private claim: ClaimTag | undefined,
  ) {}

  /** Before touching power or taking a snapshot, and while a job runs: still this run's droplet? Why not, when not. */
  async keep(): Promise<string | undefined> {
    if (!this.claim) return undefined; // a dry run claims nothing
    const kept = await keepClaim(this.ctx, this.deps, this.r, this.claim);
    if (!kept.held) return kept.reason;
    this.claim = kept.claim;
    return undefined;
  }

  /** At the end, always. Never throws: says what went wrong, if anything did. */
  async release(): Promise<string | undefined> {
    return this.claim ? releaseClaim(this.ctx, this.deps, this.r, this.claim) : undefined;
  }
}

/**
 * What the snapshot will take, from this droplet's previous lifeboat snapshot, and this plan's
 * snapshots of it (for step 8), from the run's listing when it still holds (`listed`), else
 * listed here; undefined when they could not be read (reported).
 */
async function snapshotHistory(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  report: DropletReport,
  listed: ListedSnapshots | undefined,
): Promise<{ estimate: SnapshotEstimate; own: DropletSnapshot[] } | undefined> {
  const { droplet } = r;
  try {
    return await ctx.step(`history ${droplet.name}`, async () => {
      const { estimate, own } = listed
        ? await estimateFrom(deps.api, droplet, listed.own, listed.lastSnapshotAction)
        : await readSnapshotHistory(deps.api, r.plan.name, droplet);
      return { estimate, own };
    });
  } catch (error) {
    await report.fail("snapshot", error, `${droplet.name} was not touched`);
    return undefined;
  }
}

/** Step 4: how the snapshot is taken; the approval gate decides when the plan asks for one. */
async function approval(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  history: SnapshotEstimate,
  report: DropletReport,
): Promise<"offline" | "live" | "skip"> {
  if (r.plan.snapshot.mode === "live") return "live";
  if (!r.plan.snapshot.approval.required) return "offline";
  const outcome = await approvalGate(ctx, deps, { ...r, expectedDowntimeSeconds: expectedDowntimeSeconds(history) });
  report.phase("approval", "done");
  if (outcome === "skip") {
    report.phase("snapshot", "skipped");
    report.note("snapshot skipped at the approval");
    return "skip";
  }
  return outcome === "live" ? "live" : "offline";
}

/** Steps 5–7 live: the snapshot of the running droplet, which stays on. */
async function liveSnapshot(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  history: SnapshotEstimate,
  report: DropletReport,
): Promise<SnapshotResult> {
  try {
    const taken = await takeSnapshot(ctx, deps, r, history, true);
    report.phase("snapshot", "done");
    return { taken };
  } catch (error) {
    await report.fail(phaseOf(error, "snapshot"), error, `${r.droplet.name} stayed on (live snapshot)`);
    return {};
  }
}

/** Step 8, only after a good snapshot: this plan's snapshots beyond its policy are deleted. */
async function retention(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  taken: SnapshotTaken,
  dryRun: boolean,
  ownBefore: DropletSnapshot[],
  report: DropletReport,
): Promise<void> {
  try {
    const kept = await retainSnapshots(ctx, deps, r, taken.name, dryRun, ownBefore);
    report.phase("retention", kept.failed.length > 0 ? "failed" : "done");
    report.retained("snapshots", kept);
    if (kept.deleted.length > 0) {
      report.note(`${dryRun ? "would delete" : "deleted"} ${kept.deleted.length} old snapshot(s)`);
    }
    for (const c of kept.deletedRegions ?? []) {
      report.note(`${c.name} was in ${c.regions.join(", ")}: its one delete removes every copy`);
    }
    if (kept.failed.length > 0) report.note(`could not delete ${kept.failed.join(", ")}`);
  } catch (error) {
    await report.fail("retention", error, "no snapshot was deleted by this failure; the next run tries again");
  }
}

/**
 * Every way out that did not power-cycle the droplet (step 7 did not run): the containers
 * that ran before must still run (a stopDuringArchive container may not have come back).
 */
async function finish(
  ctx: DurableSteps,
  r: DropletRun,
  ssh: SshPhases,
  report: DropletReport,
  outcome: DropletOutcome["outcome"],
  figures: Partial<DropletOutcome> = {},
): Promise<DropletOutcome> {
  if (!ssh.host || !ssh.inventory) return report.outcome(outcome, figures);
  const restarted = await restartContainers(ctx, r, ssh, report);
  if (!restarted?.failed.length) return report.outcome(outcome, figures);
  report.note(`containers that did not start again: ${restarted.failed.join(", ")}`);
  return report.outcome(outcome === "succeeded" ? "failed" : outcome, figures);
}
