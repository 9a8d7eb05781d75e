/**
 * Region copies (#16 §2): after a good snapshot, with the droplet already powered on again,
 * the snapshot is transferred (image action `transfer`) to each `snapshot.copyTo` region and
 * the transfers are waited for durably, on the growing schedule of ./copy-plan.ts.
 *
 * API calls per droplet: one listing of its snapshots (the snapshot action does not name the
 * image it made), then per copy region one POST and one look per poll while that transfer is
 * in progress.
 *
 * A copy that errors, is refused or does not end in time is reported (`snapshot.copy-failed`,
 * the droplet's run `incomplete`); the snapshot itself is kept wherever it is.
 */

import { copyGiveUpSeconds, copyLookDelay, copyRegionsFor, firstCopyLook } from "./copy-plan";
import { emit, messageOf, nowOf, type RoutineDeps } from "./deps";
import type { DropletReport } from "./droplet-report";
import { type DurableSteps, runOnce } from "./durable";
import { pollUntil } from "./poll";
import type { DropletRun } from "./power";
import type { SnapshotTaken } from "./snapshot";

/** What became of this run's snapshot's copies. Plain JSON (a step result). */
export interface SnapshotCopies {
  /** DigitalOcean's id of the snapshot, when it was found. */
  snapshotId?: string;
  /** Every region the snapshot is in now, its own first. */
  regions: string[];
  /** Regions it was copied to by this run. */
  copied: string[];
  /** Regions it could not be copied to, and why. */
  failed: Array<{ region: string; error: string }>;
  /** `copyTo` named the droplet's own region: ignored (the snapshot is there already). */
  ownRegion?: string;
}

interface Found {
  id: string;
  sizeGb: number;
  regions: string[];
}

interface Started {
  region: string;
  actionId?: number;
  at: number;
  error?: string;
}

type Seen = Record<string, { status: string; at: number }>;

/**
 * Copies `taken` to the plan's regions and waits for each copy; says what happened in `report`
 * (notes; a failed copy makes the droplet's run incomplete). Undefined when the plan copies
 * nowhere. Never throws.
 */
export async function copySnapshot(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  taken: SnapshotTaken,
  report: DropletReport,
): Promise<SnapshotCopies | undefined> {
  const { copyTo } = r.plan.snapshot;
  if (copyTo.length === 0) return undefined;
  const plan = copyRegionsFor(copyTo, r.droplet.region);
  const own = plan.ownRegion ? { ownRegion: plan.ownRegion } : {};
  if (plan.ownRegion) report.note(`${plan.ownRegion} is ${r.droplet.name}'s own region: no copy made there`);
  if (plan.to.length === 0) return { regions: [r.droplet.region], copied: [], failed: [], ...own };

  const name = r.droplet.name;
  const snapshot = await findSnapshot(ctx, deps, r, taken);
  if (typeof snapshot === "string") {
    const failed = plan.to.map((region) => ({ region, error: snapshot }));
    const result = { regions: [r.droplet.region], copied: [], failed, ...own };
    await reportCopies(ctx, deps, r, report, taken, result);
    return result;
  }
  const sourceRegions = snapshot.regions.length > 0 ? snapshot.regions : [r.droplet.region];
  const wanted = plan.to.filter((region) => !sourceRegions.includes(region));

  // One step per POST, never retried by the runtime (the client adopts an action a lost answer started).
  const started: Started[] = [];
  for (const region of wanted) {
    started.push(
      await ctx.step(
        `copy ${name} to ${region}`,
        async (): Promise<Started> => {
          const at = nowOf(deps);
          try {
            return { region, at, actionId: (await deps.api.transferImage(snapshot.id, region)).id };
          } catch (error) {
            return { region, at, error: `DigitalOcean did not start the transfer: ${messageOf(error)}` };
          }
        },
        runOnce,
      ),
    );
  }

  const running = started.filter((s): s is Started & { actionId: number } => s.actionId !== undefined);
  let seen: Seen = {};
  let lastError: string | undefined;
  if (running.length > 0) {
    await ctx.wait(`copies ${name} first check`, firstCopyLook(snapshot.sizeGb));
    const polled = await pollUntil<Seen>(
      ctx,
      `wait for copies ${name}`,
      async (previous) => {
        const now: Seen = { ...previous };
        for (const s of running) {
          if (previous?.[s.region] && previous[s.region]?.status !== "in-progress") continue;
          const action = await deps.api.getImageAction(snapshot.id, s.actionId);
          now[s.region] = { status: action.status, at: nowOf(deps) };
        }
        return { done: running.every((s) => now[s.region]?.status !== "in-progress"), value: now };
      },
      {
        delay: (elapsed) => copyLookDelay(snapshot.sizeGb, elapsed),
        giveUpSeconds: copyGiveUpSeconds(snapshot.sizeGb),
        maxErrors: 10,
      },
    );
    seen = polled.value ?? {};
    lastError = polled.lastError;
  }

  const copied: string[] = [];
  const failed: SnapshotCopies["failed"] = [];
  const durations: Record<string, number> = {};
  for (const s of started) {
    const status = seen[s.region]?.status;
    if (s.error !== undefined) failed.push({ region: s.region, error: s.error });
    else if (status === "completed") {
      copied.push(s.region);
      durations[s.region] = Math.round(((seen[s.region]?.at ?? s.at) - s.at) / 1000);
    } else if (status === "errored")
      failed.push({ region: s.region, error: "DigitalOcean reports the transfer errored" });
    else {
      const hours = Math.round(((seen[s.region]?.at ?? s.at) - s.at) / 360_000) / 10;
      failed.push({
        region: s.region,
        error: `the transfer was not seen to finish (last seen ${status ?? "never"}${hours ? ` after ${hours} h` : ""}${lastError ? `; ${lastError}` : ""}); it may still end at DigitalOcean`,
      });
    }
  }
  const result: SnapshotCopies = {
    snapshotId: snapshot.id,
    regions: [...sourceRegions, ...copied],
    copied,
    failed,
    ...own,
  };
  await reportCopies(ctx, deps, r, report, taken, result, durations, snapshot.sizeGb);
  return result;
}

/** The snapshot just taken, as DigitalOcean lists it (the snapshot action does not name its image); else why not. */
async function findSnapshot(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  taken: SnapshotTaken,
): Promise<Found | string> {
  const why = (reason: string) => `snapshot ${taken.name} could not be found to copy: ${reason}`;
  try {
    const found = await ctx.step(`find snapshot ${r.droplet.name}`, async () => {
      const listed = (await deps.api.listDropletSnapshots(r.droplet.id)).find((s) => s.name === taken.name);
      return listed ? { id: listed.id, sizeGb: listed.sizeGb, regions: listed.regions } : null;
    });
    return found ?? why("DigitalOcean does not list it");
  } catch (error) {
    return why(messageOf(error));
  }
}

/** The events and the report's notes for what the copies came to. */
async function reportCopies(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  report: DropletReport,
  taken: SnapshotTaken,
  copies: SnapshotCopies,
  durations: Record<string, number> = {},
  sizeGb?: number,
): Promise<void> {
  const base = { runId: r.runId, plan: r.plan.name, droplet: r.droplet.name, dropletId: r.droplet.id };
  const id = copies.snapshotId;
  for (const region of copies.copied) {
    await emit(ctx, deps, `copied ${r.droplet.name} to ${region}`, {
      ...base,
      type: "snapshot.copied",
      snapshotName: taken.name,
      snapshotId: id ?? "",
      region,
      regions: copies.regions,
      durationSeconds: durations[region] ?? 0,
      ...(sizeGb !== undefined ? { sizeGb } : {}),
    });
  }
  for (const f of copies.failed) {
    await emit(ctx, deps, `copy failed ${r.droplet.name} to ${f.region}`, {
      ...base,
      type: "snapshot.copy-failed",
      snapshotName: taken.name,
      ...(id ? { snapshotId: id } : {}),
      region: f.region,
      error: f.error,
      regions: copies.regions,
    });
  }
  if (copies.copied.length > 0) report.note(`copied to ${copies.copied.join(", ")}`);
  if (copies.failed.length === 0) report.phase("copy", "done");
  for (const f of copies.failed) {
    report.incomplete(`copy to ${f.region} failed: ${f.error}; the snapshot is kept in ${copies.regions.join(", ")}`);
  }
}
