/**
 * Retention as one use case: list a plan's droplets' snapshots and archive runs once, decide
 * (./decide.ts), then delete what the policy releases. Every release is tried: a failure is
 * collected with its reason and the others still go. A dry run deletes nothing. The routine's
 * step 8, `lifeboat retention` and `/lifeboat retention` all come here.
 */
import type { RetentionPolicy } from "../config/schema";
import type { ArchiveCatalog, ArchiveRun, RefusedKey } from "../ports/archive-catalog";
import type { DropletApi, DropletSnapshot } from "../ports/digitalocean";
import { messageOf } from "../routine/deps";
import { decideRetention, type RetentionTargetName, type RetentionVerdict } from "./decide";

export interface RetentionPorts {
  /** Needed for the snapshots target. */
  droplets?: Pick<DropletApi, "listDropletSnapshots" | "deleteSnapshot">;
  /** Needed for the archives target. */
  archives?: ArchiveCatalog;
}

export interface RetentionRequest {
  plan: { name: string; retention: RetentionPolicy };
  droplets: ReadonlyArray<{ id: number; name: string }>;
  targets: readonly RetentionTargetName[];
  /** Snapshot names and archive run ids just made: always kept. */
  justMade?: readonly string[];
  /** Snapshots the caller listed already, by droplet id: those droplets are not listed again. */
  snapshotsListed?: ReadonlyMap<number, readonly DropletSnapshot[]>;
  dryRun: boolean;
}

/** One item retention deleted or failed to delete. */
export interface RetentionItem {
  target: RetentionTargetName;
  droplet: string;
  name: string;
  /**
   * A snapshot in more than one region (copies, #16 §2): every region it was in. Its one
   * delete removes it from all of them (a copy is the same image id).
   */
  regions?: string[];
}

export interface RetentionReport {
  plan: string;
  dryRun: boolean;
  /** Every item with its verdict and reasons, per droplet, newest first per target. */
  verdicts: RetentionVerdict[];
  /** Deleted; with dryRun, what would have been. */
  deleted: RetentionItem[];
  /** Releases that failed, each with the error; the others were still deleted. */
  failed: Array<RetentionItem & { error: string }>;
  /** Keys released runs' manifests list outside their own run directory: never deleted. */
  refused: RefusedKey[];
}

/**
 * @example await runRetention({ droplets: api, archives: catalog }, { plan, droplets, targets: ["snapshots", "archives"], dryRun: true })
 */
export async function runRetention(ports: RetentionPorts, request: RetentionRequest): Promise<RetentionReport> {
  const wants = (t: RetentionTargetName) => request.targets.includes(t);
  const api = wants("snapshots") ? need(ports.droplets, "a DigitalOcean API (snapshots)") : undefined;
  const catalog = wants("archives") ? need(ports.archives, "an archive catalog (archives)") : undefined;

  // Read everything first: a listing that fails deletes nothing anywhere.
  const listed: Array<{
    droplet: { id: number; name: string };
    snapshots?: readonly DropletSnapshot[];
    runs?: ArchiveRun[];
  }> = [];
  for (const droplet of request.droplets) {
    const given = request.snapshotsListed?.get(droplet.id);
    listed.push({
      droplet,
      ...(api ? { snapshots: given ?? (await api.listDropletSnapshots(droplet.id)) } : {}),
      ...(catalog ? { runs: await catalog.listRuns(droplet.name) } : {}),
    });
  }

  const report: RetentionReport = {
    plan: request.plan.name,
    dryRun: request.dryRun,
    verdicts: [],
    deleted: [],
    failed: [],
    refused: [],
  };
  for (const { droplet, snapshots, runs } of listed) {
    const verdicts = decideRetention({
      plan: request.plan,
      droplet,
      ...(snapshots ? { snapshots } : {}),
      ...(runs ? { runs } : {}),
      ...(request.justMade ? { justMade: request.justMade } : {}),
    });
    report.verdicts.push(...verdicts);
    const runOf = new Map((runs ?? []).map((r) => [r.runId, r]));
    const regionsOf = new Map((snapshots ?? []).map((s) => [s.id, s.regions]));
    for (const v of verdicts) {
      if (v.action !== "delete") continue;
      const regions = v.target === "snapshots" ? (regionsOf.get(v.id) ?? []) : [];
      const item: RetentionItem = {
        target: v.target,
        droplet: v.droplet,
        name: v.name,
        ...(regions.length > 1 ? { regions: [...regions] } : {}),
      };
      const run = v.target === "archives" ? runOf.get(v.id) : undefined;
      if (run) report.refused.push(...run.refused);
      if (request.dryRun) {
        report.deleted.push(item);
        continue;
      }
      try {
        if (run) await catalog?.deleteRun(droplet.name, run);
        else await api?.deleteSnapshot(v.id);
        report.deleted.push(item);
      } catch (error) {
        report.failed.push({ ...item, error: messageOf(error) });
      }
    }
  }
  return report;
}

/** How reports name an item: a snapshot by its name, an archive run as `<droplet>/<run id>`. */
export function itemLabel(item: Pick<RetentionItem, "target" | "droplet" | "name">): string {
  return item.target === "archives" ? `${item.droplet}/${item.name}` : item.name;
}

function need<T>(port: T | undefined, what: string): T {
  if (!port) throw new Error(`retention needs ${what} for this target`);
  return port;
}
