/**
 * One droplet, the steps of DESIGN.md "The routine" in order:
 *   0    claim the droplet (one lifeboat run per droplet); a lost claim skips it  ./claim.ts
 *   1–3  SSH phases through the DropletHost port, when given: pre hooks, inventory, archives
 *        (then archive retention), duplicity, post hooks                      sshPhases below
 *   4    approval gate                                  ./approval.ts
 *   5    tag, shutdown, power_off if needed             ./power.ts
 *   6    snapshot, planned polls                        ./snapshot.ts
 *   7    finally: power_on, wait active, untag          ./power.ts; restart containers, SSH check
 *        (plans that do not power off: containers checked running at the end, see `finish`)
 *   8    retention of this plan's snapshots             ./retention.ts
 *   9    events at every phase                          ./deps.ts `emit`
 * Runs inside its own child context (one per droplet, see ./run-plan.ts) and never throws:
 * a failure ends as outcome "failed" with `run.failed` emitted and the droplet back on.
 */
import type { Droplet } from "../ports/digitalocean";
import { approvalGate } from "./approval";
import { claimDroplet, keepClaim, releaseClaim } from "./claim";
import type { ClaimTag } from "./claim-tag";
import { emit, messageOf, type RoutineDeps } from "./deps";
import type { DropletPreview } from "./dry-run";
import type { DurableSteps, StepOptions } from "./durable";
import { PhaseError } from "./failure";
import { type DropletHost, type Inventory, isRetryable, noHostReason } from "./host";
import { type DropletRun, type Marker, markPoweredOff, type PowerOnResult, powerOff, powerOnAndUnmark } from "./power";
import { ownSnapshots, retainSnapshots } from "./retention";
import { type SnapshotTaken, takeSnapshot } from "./snapshot";
import { estimateSnapshot, POWER_ON_FIRST_CHECK, SHUTDOWN_FIRST_CHECK } from "./timing";

export type PhaseStatus = "done" | "skipped" | "failed";

export interface DropletOutcome {
  droplet: string;
  dropletId: number;
  outcome: "succeeded" | "skipped" | "failed";
  /** One sentence for the report. */
  detail: string;
  snapshot?: string;
  /** Seconds from seen off to seen active again (offline snapshots). */
  downtimeSeconds?: number;
  phases: Record<string, PhaseStatus>;
  /** A dry run: what a real run would do (./dry-run.ts); nothing was changed. */
  preview?: DropletPreview;
}

export interface RunOptions {
  runId: string;
  dryRun: boolean;
  /** When the run started (ms since the epoch); handed to the droplet host as the archives' clock. */
  startedAt?: number;
  /** Who started the run, as the droplet claim names it (see ./claim-tag.ts `startedBy`). */
  startedBy?: string;
}

/**
 * Step 0, then the rest: claims the droplet, backs it up, and always releases the claim at
 * the end (after the power-on). A droplet another run holds is skipped, untouched.
 */
export async function backupDroplet(
  ctx: DurableSteps,
  deps: RoutineDeps,
  run: RunOptions & Pick<DropletRun, "plan">,
  droplet: Droplet,
): Promise<DropletOutcome> {
  const r: DropletRun = { runId: run.runId, plan: run.plan, droplet };
  const claimed = await claimDroplet(ctx, deps, r, { by: run.startedBy ?? "unknown", dryRun: run.dryRun });
  if (!claimed.won) {
    return { droplet: droplet.name, dropletId: droplet.id, outcome: "skipped", detail: claimed.reason, phases: {} };
  }
  let claim: ClaimTag | undefined = claimed.claim;
  /** Before touching power or taking a snapshot: still this run's droplet? Why not, when not. */
  const hold = async (): Promise<string | undefined> => {
    if (!claim) return undefined; // a dry run claims nothing
    const kept = await keepClaim(ctx, deps, r, claim);
    if (!kept.held) return `snapshot skipped: ${kept.reason}`;
    claim = kept.claim;
    return undefined;
  };
  let outcome: DropletOutcome | undefined;
  try {
    outcome = await backupClaimed(ctx, deps, run, droplet, hold);
  } finally {
    const failedRelease = claim ? await releaseClaim(ctx, deps, r, claim) : undefined;
    if (outcome && failedRelease) outcome.detail = [outcome.detail, failedRelease].filter(Boolean).join("; ");
  }
  return outcome;
}

async function backupClaimed(
  ctx: DurableSteps,
  deps: RoutineDeps,
  run: RunOptions & Pick<DropletRun, "plan">,
  droplet: Droplet,
  hold: () => Promise<string | undefined>,
): Promise<DropletOutcome> {
  const r: DropletRun = { runId: run.runId, plan: run.plan, droplet };
  const phases: Record<string, PhaseStatus> = {};
  const notes: string[] = [];
  const out = (outcome: DropletOutcome["outcome"], extra: Partial<DropletOutcome> = {}): DropletOutcome => ({
    droplet: droplet.name,
    dropletId: droplet.id,
    outcome,
    detail: notes.join("; "),
    phases,
    ...extra,
  });
  // Every way out: when the droplet was not power-cycled (step 7 did not run), check that the
  // containers that ran before still run (a stopDuringArchive container may not have come back).
  let containersChecked = false;
  const finish = async (outcome: DropletOutcome["outcome"], extra: Partial<DropletOutcome> = {}) => {
    if (!containersChecked && host && inventory) {
      const restarted = await restartContainers(ctx, r, host, inventory, phases);
      if (restarted?.failed.length) {
        notes.push(`containers that did not start again: ${restarted.failed.join(", ")}`);
        if (outcome === "succeeded") outcome = "failed";
      }
    }
    return out(outcome, extra);
  };
  const failed = async (phase: string, error: unknown, recovery: string) => {
    phases[phase] = "failed";
    const message = messageOf(error);
    notes.push(`${phase} failed: ${message}`);
    await emit(ctx, deps, `failed ${phase} ${droplet.name}`, {
      runId: r.runId,
      plan: r.plan.name,
      droplet: droplet.name,
      type: "run.failed",
      phase,
      error: message,
      recovery,
    });
  };

  // 1–3: the SSH phases.
  const given = deps.hosts?.(droplet, {
    runId: r.runId,
    plan: r.plan,
    dryRun: run.dryRun,
    ...(run.startedAt !== undefined ? { startedAt: run.startedAt } : {}),
  });
  const host = given && !("skipped" in given) ? given : undefined;
  const inventory = host ? await sshPhases(ctx, deps, r, host, phases, notes, failed) : undefined;
  if (!host) {
    for (const p of ["inventory", "archive", "duplicity"]) phases[p] = "skipped";
    const why = given && "skipped" in given ? given : undefined;
    notes.push(`SSH phases skipped: ${noHostReason(why, deps.hosts !== undefined, droplet.name)}`);
  }

  const mode = r.plan.snapshot.mode;
  if (mode === "none") {
    phases.snapshot = "skipped";
    notes.push("snapshots are off for this plan");
    return finish(Object.values(phases).includes("failed") ? "failed" : "succeeded");
  }

  // What the snapshot will take, from this droplet's previous lifeboat snapshot.
  let history: ReturnType<typeof estimateSnapshot>;
  try {
    history = await ctx.step(`history ${droplet.name}`, async () =>
      estimateSnapshot(
        droplet,
        ownSnapshots(await deps.api.listDropletSnapshots(droplet.id), r.plan.name, droplet),
        await deps.api.lastCompletedAction(droplet.id, "snapshot"),
      ),
    );
  } catch (error) {
    await failed("snapshot", error, `${droplet.name} was not touched`);
    return finish("failed");
  }

  // 4: approval.
  let live = mode === "live";
  if (!live && r.plan.snapshot.approval.required) {
    const expectedDowntimeSeconds =
      history.expectedSeconds + SHUTDOWN_FIRST_CHECK.seconds + POWER_ON_FIRST_CHECK.seconds;
    const outcome = await approvalGate(ctx, deps, { ...r, expectedDowntimeSeconds });
    phases.approval = "done";
    if (outcome === "skip") {
      phases.snapshot = "skipped";
      notes.push("snapshot skipped at the approval");
      return finish("skipped");
    }
    live = outcome === "live";
  }

  const lostClaim = await hold();
  if (lostClaim) {
    phases.snapshot = "skipped";
    notes.push(lostClaim);
    return finish("skipped");
  }

  let taken: SnapshotTaken | undefined;
  let offAt: number | undefined;
  /** Seconds from power off to power on; undefined when either did not happen. */
  let downtimeSeconds: number | undefined;
  if (live) {
    try {
      taken = await takeSnapshot(ctx, deps, r, history, true);
      phases.snapshot = "done";
    } catch (error) {
      await failed(phaseOf(error, "snapshot"), error, `${droplet.name} stayed on (live snapshot)`);
    }
  } else {
    // 5–7: off, snapshot, and always on again.
    let marker: Marker;
    try {
      marker = await markPoweredOff(ctx, deps, r);
    } catch (error) {
      await failed("power off", error, `${droplet.name} was not powered off`);
      return finish("failed");
    }
    let failure: unknown;
    let powerOn: PowerOnResult;
    try {
      offAt = (await powerOff(ctx, deps, r)).offAt;
      phases["power off"] = "done";
      taken = await takeSnapshot(ctx, deps, r, history, false);
      phases.snapshot = "done";
    } catch (error) {
      failure = error;
    } finally {
      powerOn = await powerOnAndUnmark(ctx, deps, r, marker);
    }
    phases["power on"] = powerOn.active ? "done" : "failed";
    if (offAt !== undefined && powerOn.onAt !== undefined) downtimeSeconds = Math.round((powerOn.onAt - offAt) / 1000);
    containersChecked = true; // restarted below when the droplet is back; nothing to start while it is off
    const restarted = powerOn.active ? await restartContainers(ctx, r, host, inventory, phases) : undefined;
    if (powerOn.active) {
      await emit(ctx, deps, `powered on ${droplet.name}`, {
        runId: r.runId,
        plan: r.plan.name,
        droplet: droplet.name,
        type: "droplet.powered_on",
        dropletId: droplet.id,
        downtimeSeconds: downtimeSeconds ?? 0,
        containersRestarted: restarted?.restarted ?? [],
        containersFailed: restarted?.failed ?? [],
      });
    }
    if (failure !== undefined) {
      await failed(
        phaseOf(failure, "snapshot"),
        failure,
        powerOn.active ? `powered ${droplet.name} back on` : powerOn.detail,
      );
    } else if (!powerOn.active) {
      await failed("power on", new Error(powerOn.detail), "the watchdog powers it on after maxDowntime");
    }
    if (!powerOn.untagged && powerOn.active) notes.push(powerOn.detail);
    if (taken && downtimeSeconds) notes.push(`${droplet.name} was off for ${downtimeSeconds}s`);
    if (restarted?.failed.length) notes.push(`containers that did not start again: ${restarted.failed.join(", ")}`);
  }

  if (taken) {
    notes.unshift(`snapshot ${taken.name} (${taken.durationSeconds}s)`);
    // 8: retention, only after a good snapshot.
    try {
      const kept = await retainSnapshots(ctx, deps, r, taken.name, run.dryRun);
      phases.retention = kept.failed.length > 0 ? "failed" : "done";
      if (kept.deleted.length > 0) {
        notes.push(`${run.dryRun ? "would delete" : "deleted"} ${kept.deleted.length} old snapshot(s)`);
      }
      if (kept.failed.length > 0) notes.push(`could not delete ${kept.failed.join(", ")}`);
    } catch (error) {
      await failed("retention", error, "no snapshot was deleted by this failure; the next run tries again");
    }
  }
  const anyFailed = Object.values(phases).includes("failed");
  return finish(anyFailed ? "failed" : "succeeded", {
    ...(taken ? { snapshot: taken.name } : {}),
    ...(downtimeSeconds !== undefined ? { downtimeSeconds } : {}),
  });
}

/** Why a droplet has no SSH phases, in the words of the setting that decides it. */
const phaseOf = (error: unknown, fallback: string) => (error instanceof PhaseError ? error.phase : fallback);

type Failed = (phase: string, error: unknown, recovery: string) => Promise<void>;

/**
 * SSH steps are retried twice (10 s, 20 s later) unless the error says a retry cannot help
 * (`retryable: false`: a host key mismatch, duplicity missing).
 */
const sshStep: StepOptions = {
  retryStrategy: (error, attempt) =>
    isRetryable(error) && attempt < 3
      ? { shouldRetry: true, delay: { seconds: 10 * attempt } }
      : { shouldRetry: false },
};

/** Steps 1–3 over SSH, in order; a failing phase is reported and the snapshot still taken. */
async function sshPhases(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  host: DropletHost,
  phases: Record<string, PhaseStatus>,
  notes: string[],
  failed: Failed,
): Promise<Inventory | undefined> {
  const name = r.droplet.name;
  const base = { runId: r.runId, plan: r.plan.name, droplet: name };

  const preFailed = await runHooks(ctx, r, host, "pre", phases, failed);
  // A failed pre hook (e.g. a database dump) makes an archive a lie: by default (onFailure
  // "skip-archives") neither archives nor duplicity run. The inventory still does: step 7
  // restarts what ran. Post hooks still run: they often undo what a pre hook began.
  const skipArchives = preFailed?.onFailure === "skip-archives";
  if (preFailed) {
    notes.push(
      skipArchives
        ? `archives and duplicity skipped: pre hook \`${preFailed.command}\` failed (onFailure: "skip-archives")`
        : `pre hook \`${preFailed.command}\` failed; archives and duplicity ran anyway (onFailure: "continue")`,
    );
  }

  let inventory: Inventory | undefined;
  try {
    inventory = await ctx.step(`inventory ${name}`, () => host.inventory(), sshStep);
    phases.inventory = "done";
  } catch (error) {
    await failed("inventory", error, "archives skipped; the snapshot is still taken");
  }

  if (inventory && !skipArchives) {
    let archived = false;
    try {
      const stored = await ctx.step(`archive ${name}`, () => host.archive(inventory), sshStep);
      phases.archive = "done";
      archived = stored.some((a) => a.kind === "manifest");
      for (const [i, a] of stored.entries()) {
        await emit(ctx, deps, `archive stored ${name} ${i}`, { ...base, type: "archive.stored", ...a });
      }
    } catch (error) {
      await failed("archive", error, "no partial archive is kept; the snapshot is still taken");
    }
    if (archived && host.retainArchives) {
      const retain = host.retainArchives.bind(host);
      try {
        const kept = await ctx.step(`archive retention ${name}`, () => retain(), sshStep);
        phases["archive retention"] = "done";
        await emit(ctx, deps, `archive retention ${name}`, {
          ...base,
          type: "retention.applied",
          target: "archives",
          ...kept,
        });
      } catch (error) {
        await failed("archive retention", error, "no archive was deleted by this failure; the next run tries again");
      }
    }
  } else phases.archive = "skipped";

  if (skipArchives) phases.duplicity = "skipped";
  else {
    try {
      const dup = await ctx.step(`duplicity ${name}`, async () => (await host.duplicity()) ?? null, sshStep);
      phases.duplicity = dup ? "done" : "skipped";
      if (dup) await emit(ctx, deps, `duplicity ${name}`, { ...base, type: "duplicity.completed", ...dup });
    } catch (error) {
      await failed("duplicity", error, "the snapshot is still taken");
    }
  }

  await runHooks(ctx, r, host, "post", phases, failed);
  return inventory;
}

/** A pre hook that failed (or could not be run), and what its plan says that means. */
interface FailedPreHook {
  command: string;
  onFailure: "skip-archives" | "continue";
}

/**
 * The plan's `pre` or `post` hooks in one step; a failing hook is reported. Returns the
 * failed `pre` hook (the first that failed: the hooks after it do not run), if any.
 */
async function runHooks(
  ctx: DurableSteps,
  r: DropletRun,
  host: DropletHost,
  stage: "pre" | "post",
  phases: Record<string, PhaseStatus>,
  failed: Failed,
): Promise<FailedPreHook | undefined> {
  if (!host.hooks || r.plan.hooks[stage].length === 0) return undefined;
  const hooks = host.hooks.bind(host);
  const phase = `${stage} hooks`;
  // Until a result names the failed hook (e.g. the droplet could not be reached), the first one counts.
  let index = 0;
  try {
    const results = await ctx.step(`${phase} ${r.droplet.name}`, () => hooks(stage), sshStep);
    const bad = results.findIndex((h) => h.exitCode !== 0);
    if (bad < 0) {
      phases[phase] = "done";
      return undefined;
    }
    index = bad;
    const hook = results[bad]!;
    const how = hook.timedOut ? "timed out" : `exited ${hook.exitCode}`;
    const stderr = hook.stderr.trim().slice(-500);
    throw new Error(`hook \`${hook.command}\` ${how}${stderr ? `: ${stderr}` : ""}`);
  } catch (error) {
    if (stage === "post") {
      await failed(phase, error, "the backup is kept");
      return undefined;
    }
    const pre = r.plan.hooks.pre[index] ?? r.plan.hooks.pre[0]!;
    await failed(
      phase,
      error,
      pre.onFailure === "skip-archives"
        ? 'archives and duplicity skipped (onFailure: "skip-archives"); the snapshot is still taken'
        : 'the backup went on without it (onFailure: "continue")',
    );
    return { command: pre.command, onFailure: pre.onFailure };
  }
}

/** Step 7 after power-on: start again the containers that ran before, and check SSH answers. */
async function restartContainers(
  ctx: DurableSteps,
  r: DropletRun,
  host: DropletHost | undefined,
  inventory: Inventory | undefined,
  phases: Record<string, PhaseStatus>,
): Promise<{ restarted: string[]; failed: string[] } | undefined> {
  if (!host || !inventory) {
    phases.containers = "skipped";
    return undefined;
  }
  const ran = inventory.containers.filter((c) => c.running).map((c) => c.name);
  try {
    const result = await ctx.step(
      `restart containers ${r.droplet.name}`,
      async () => {
        const restarted = await host.restartContainers(ran);
        return { ...restarted, ssh: await host.checkSsh() };
      },
      sshStep,
    );
    phases.containers = result.failed.length > 0 || !result.ssh ? "failed" : "done";
    return { restarted: result.restarted, failed: result.failed };
  } catch {
    phases.containers = "failed";
    return { restarted: [], failed: ran };
  }
}
