/**
 * A dry run of one droplet: what a real run would do, learned by reading only. No power
 * action, snapshot, tag, hook, archive, upload or delete: DigitalOcean is asked for the
 * droplet's snapshots and its last snapshot action, the droplet (when it has a host) for a
 * read-only look (`DropletHost.preview`), and storage for its archive runs. The plan's
 * policies then say what would be kept and deleted, as if this run's snapshot and archive run
 * existed. The approval gate is not asked: nothing would be powered off.
 *
 * The routine branches here once (./run-plan.ts); nothing in ./backup-droplet.ts knows about it.
 */
import type { Plan } from "../config/schema";
import type { Droplet, DropletSnapshot, DropletStatus } from "../ports/digitalocean";
import { judge } from "../retention/decide";
import { ownSnapshots } from "../retention/own-snapshots";
import { snapshotName } from "../snapshot-name";
import type { DropletOutcome } from "./backup-droplet";
import { backupWindowPreview } from "./backup-window-preview";
import type { Claimed } from "./claim";
import { type CopyPreview, previewCopies } from "./copy-preview";
import { messageOf, nowOf, type RoutineDeps } from "./deps";
import type { RunBackups } from "./droplet-backups";
import { describePreview } from "./dry-run-text";
import type { DurableSteps, StepOptions } from "./durable";
import { type HostPreview, isRetryable, noHostReason } from "./host";
import { expectedDowntimeSeconds, readSnapshotHistory, type SnapshotEstimate } from "./timing";

/** One item a policy would keep or delete, and why. */
export interface RetentionItem {
  name: string;
  why: string;
}

export interface RetentionPreview {
  keep: RetentionItem[];
  delete: RetentionItem[];
}

export interface SnapshotPreview {
  mode: Plan["snapshot"]["mode"];
  /** The name the snapshot would get if it started now (its time part is when it starts). */
  name?: string;
  /** Expected snapshot time and what the estimate rests on. */
  estimate?: SnapshotEstimate;
  /** Offline mode: expected seconds from powered off to active again. */
  expectedDowntimeSeconds?: number;
  /** Offline mode: the watchdog powers the droplet on after this. */
  maxDowntimeSeconds?: number;
  /** Offline mode with approval: who is asked, for how long, and what silence means. */
  approval?: { timeout: string; onTimeout: "proceed" | "skip" | "live" };
  /** Offline mode: what the droplet's DO Backups window would do to the power-off, when it is in the way. */
  backupWindow?: string;
}

/** What a real run would do to one droplet. Plain JSON. */
export interface DropletPreview {
  droplet: string;
  dropletId: number;
  /** The droplet's status now. */
  status: DropletStatus;
  snapshot: SnapshotPreview;
  /** Hook commands a real run would run on the droplet (a dry run runs none). */
  hooks: { pre: string[]; post: string[] };
  /** The SSH phases: what they would take, or why they would not run. */
  host: ({ reached: true } & Omit<HostPreview, "archiveRuns" | "unknown">) | { reached: false; reason: string };
  retention: { snapshots?: RetentionPreview; archives?: RetentionPreview };
  /** Where the snapshot would be copied (`snapshot.copyTo`, #16 §2), when the plan copies it. */
  copies?: CopyPreview;
  /** What could not be learned, each a sentence. */
  unknown: string[];
}

export interface PreviewRun {
  runId: string;
  plan: Plan;
  /** When the run started (ms since the epoch): this run's archive run would carry this time. */
  startedAt: number;
  /** The droplets' DO Backups as the run read them (../droplet-backups.ts): their windows. */
  backups?: RunBackups;
}

/** Reads on the droplet may fail once on a flaky connection; a retry cannot fix a host key mismatch. */
const readStep: StepOptions = {
  retryStrategy: (error, attempt) =>
    isRetryable(error) && attempt < 2 ? { shouldRetry: true, delay: { seconds: 5 } } : { shouldRetry: false },
};

/**
 * What a real run would do to `droplet`, as a droplet outcome carrying the preview. Never
 * throws: a read that fails makes the outcome "failed" with the reason, nothing else.
 */
export async function previewDroplet(
  ctx: DurableSteps,
  deps: RoutineDeps,
  run: PreviewRun,
  droplet: Droplet,
  claimed: Claimed,
): Promise<DropletOutcome> {
  const { plan } = run;
  // Step 0 read-only (./claim.ts): a droplet another run holds would be skipped by a real run too.
  if (!claimed.won) {
    return { droplet: droplet.name, dropletId: droplet.id, outcome: "skipped", detail: claimed.reason, phases: {} };
  }
  const unknown: string[] = [];
  const failures: string[] = [];
  const mode = plan.snapshot.mode;

  let history: { snapshots: DropletSnapshot[]; estimate: SnapshotEstimate; at: number } | undefined;
  if (mode !== "none") {
    try {
      history = await ctx.step(`preview snapshots ${droplet.name}`, async () => ({
        ...(await readSnapshotHistory(deps.api, plan.name, droplet)),
        at: nowOf(deps),
      }));
    } catch (error) {
      failures.push(`could not read ${droplet.name}'s snapshots: ${messageOf(error)}`);
    }
  }

  const given = deps.hosts?.(droplet, { runId: run.runId, plan, dryRun: true, startedAt: run.startedAt });
  const host = given && !("skipped" in given) ? given : undefined;
  let look: HostPreview | undefined;
  let hostPart: DropletPreview["host"];
  if (!host) {
    const why = given && "skipped" in given ? given : undefined;
    hostPart = { reached: false, reason: noHostReason(why, deps.hosts !== undefined, droplet.name) };
  } else if (!host.preview) {
    hostPart = { reached: false, reason: "this droplet host cannot look without acting" };
  } else {
    const preview = host.preview.bind(host);
    try {
      look = await ctx.step(`preview host ${droplet.name}`, () => preview(), readStep);
      const { archiveRuns: _runs, unknown: notKnown, ...what } = look;
      hostPart = { reached: true, ...what };
      unknown.push(...notKnown);
    } catch (error) {
      hostPart = { reached: false, reason: `a look over SSH failed: ${messageOf(error)}` };
      failures.push(`${droplet.name} over SSH: ${messageOf(error)}`);
    }
  }

  const snapshot = snapshotPart(plan, droplet, history);
  const copies = history ? await previewCopies(ctx, deps, plan, droplet, unknown) : undefined;
  if (history && snapshot.expectedDowntimeSeconds !== undefined) {
    const window = backupWindowPreview(plan, run.backups, droplet.id, history.at, snapshot.expectedDowntimeSeconds);
    if (window?.unknown) unknown.push(window.unknown);
    else if (window?.says) snapshot.backupWindow = window.says;
  }
  const retention: DropletPreview["retention"] = {};
  if (history && snapshot.name) {
    const own = ownSnapshots(history.snapshots, plan.name, droplet);
    const made = { id: "(this run)", createdAt: new Date(history.at), name: snapshot.name };
    retention.snapshots = retentionPreview(
      [made, ...own.map((s) => ({ id: s.id, createdAt: s.takenAt, name: s.name }))],
      plan,
      made.id,
    );
  }
  const archives = look && (look.containers.length > 0 || look.volumes.length > 0);
  if (look && archives) {
    if (look.archiveRuns) {
      const made = { id: run.runId, createdAt: new Date(run.startedAt), name: run.runId };
      retention.archives = retentionPreview(
        [made, ...look.archiveRuns.map((r) => ({ id: r.runId, createdAt: new Date(r.createdAt), name: r.runId }))],
        plan,
        made.id,
      );
    } else unknown.push("archive retention: the archive runs in storage could not be listed");
  }

  const preview: DropletPreview = {
    droplet: droplet.name,
    dropletId: droplet.id,
    status: droplet.status,
    snapshot,
    hooks: { pre: plan.hooks.pre.map((h) => h.command), post: plan.hooks.post.map((h) => h.command) },
    host: hostPart,
    retention,
    ...(copies ? { copies } : {}),
    unknown,
  };
  return {
    droplet: droplet.name,
    dropletId: droplet.id,
    outcome: failures.length > 0 ? "failed" : "succeeded",
    detail: [`dry run, nothing changed: ${describePreview(preview)}`, ...failures].join("; "),
    phases: {},
    preview,
  };
}

function snapshotPart(
  plan: Plan,
  droplet: Droplet,
  history: { estimate: SnapshotEstimate; at: number } | undefined,
): SnapshotPreview {
  const s = plan.snapshot;
  if (s.mode === "none" || !history) return { mode: s.mode };
  const part: SnapshotPreview = {
    mode: s.mode,
    name: snapshotName(plan.name, droplet.name, new Date(history.at)),
    estimate: history.estimate,
  };
  if (s.mode === "offline") {
    part.expectedDowntimeSeconds = expectedDowntimeSeconds(history.estimate);
    part.maxDowntimeSeconds = s.maxDowntime.seconds;
    if (s.approval.required) part.approval = { timeout: s.approval.timeout.text, onTimeout: s.approval.onTimeout };
  }
  return part;
}

/**
 * The plan's policy over `items` (with `made`, this run's, protected): what it keeps and
 * deletes, with the reasons `lifeboat retention` and `/lifeboat retention` give (../retention/decide.ts).
 */
function retentionPreview(
  items: Array<{ id: string; createdAt: Date; name: string }>,
  plan: Plan,
  made: string,
): RetentionPreview {
  const verdicts = judge(items, plan.retention, new Set([made]));
  const policy = policyText(plan.retention);
  const entry = (v: (typeof verdicts)[number]) => ({
    name: v.name,
    why: v.action === "delete" ? `${v.reasons.join(", ")} (policy: ${policy})` : v.reasons.join(", "),
  });
  return {
    keep: verdicts.filter((v) => v.action === "keep").map(entry),
    delete: verdicts.filter((v) => v.action === "delete").map(entry),
  };
}

function policyText(r: Plan["retention"]): string {
  return Object.entries(r)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
}
