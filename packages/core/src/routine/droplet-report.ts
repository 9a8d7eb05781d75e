/**
 * What one droplet's run reports: the status of each phase, the notes that become its
 * one-sentence detail, and `run.failed` for each failed phase. One object per droplet, filled
 * in as the steps of ./backup-droplet.ts run.
 */
import type { SnapshotCopies } from "./copy-snapshot";
import { emit, messageOf, type RoutineDeps } from "./deps";
import type { DropletPreview } from "./dry-run";
import type { DurableSteps } from "./durable";
import type { DropletRun } from "./power";

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
  /** The images and volume archives stored (the manifest not counted). */
  archives?: { count: number; bytes: number };
  duplicity?: { mode: "full" | "incremental"; bytes: number };
  /** What retention kept and deleted of this plan's own, per target it ran for (the run record's figures). */
  retention?: { snapshots?: RetainedItems; archives?: RetainedItems };
  /** Each failed phase in plain words, as the detail says it. */
  errors?: string[];
  /**
   * Backed up, but not all the plan asks for: a copy of the snapshot to another region failed
   * (#16 §2). Only on a droplet that succeeded; it makes the run `incomplete`.
   */
  incomplete?: true;
  /** This run's snapshot's copies to other regions (`snapshot.copyTo`), when the plan has any. */
  copies?: SnapshotCopies;
  /** A dry run: what a real run would do (./dry-run.ts); nothing was changed. */
  preview?: DropletPreview;
}

/** Snapshot names or archive run ids; `failed`: deletions that failed ("<name>: <error>"). */
export interface RetainedItems {
  kept: string[];
  deleted: string[];
  failed?: string[];
}

export class DropletReport {
  readonly phases: Record<string, PhaseStatus> = {};
  /** Seconds each job on the droplet ran until it succeeded, by its last poll (a step result, so a replay sees the same). */
  readonly jobSeconds: Partial<Record<"archive" | "duplicity", number>> = {};
  private readonly notes: string[] = [];
  private readonly errors: string[] = [];
  private shortfall = false;
  private readonly figures: Pick<DropletOutcome, "archives" | "duplicity" | "retention"> = {};

  constructor(
    private readonly ctx: DurableSteps,
    private readonly deps: RoutineDeps,
    private readonly r: DropletRun,
  ) {}

  phase(name: string, status: PhaseStatus): void {
    this.phases[name] = status;
  }

  note(text: string): void {
    this.notes.push(text);
  }

  /** A note that leads the detail (the snapshot taken). */
  noteFirst(text: string): void {
    this.notes.unshift(text);
  }

  /** Figures for the run record: what was stored, what retention kept and deleted. */
  stored(figures: Pick<DropletOutcome, "archives" | "duplicity">): void {
    Object.assign(this.figures, figures);
  }

  retained(target: "snapshots" | "archives", items: RetainedItems): void {
    const failed = items.failed?.length ? { failed: items.failed } : {};
    this.figures.retention = {
      ...this.figures.retention,
      [target]: { kept: items.kept, deleted: items.deleted, ...failed },
    };
  }

  get anyFailed(): boolean {
    return Object.values(this.phases).includes("failed");
  }

  /** Something the plan asks for that did not happen, though the backup stands (a failed copy): noted, and the run is incomplete. */
  incomplete(text: string): void {
    this.shortfall = true;
    this.notes.push(text);
    this.errors.push(text);
  }

  /** A failed phase: marked, noted, and emitted as `run.failed` with what was done about it. */
  async fail(phase: string, error: unknown, recovery: string): Promise<void> {
    const { runId, plan, droplet } = this.r;
    this.phases[phase] = "failed";
    const message = messageOf(error);
    this.notes.push(`${phase} failed: ${message}`);
    this.errors.push(`${phase} failed: ${message}`);
    await emit(this.ctx, this.deps, `failed ${phase} ${droplet.name}`, {
      runId,
      plan: plan.name,
      droplet: droplet.name,
      type: "run.failed",
      phase,
      error: message,
      recovery,
    });
  }

  outcome(outcome: DropletOutcome["outcome"], extra: Partial<DropletOutcome> = {}): DropletOutcome {
    const { droplet } = this.r;
    return {
      droplet: droplet.name,
      dropletId: droplet.id,
      outcome,
      detail: this.notes.join("; "),
      phases: this.phases,
      ...this.figures,
      ...(this.errors.length ? { errors: [...this.errors] } : {}),
      ...(this.shortfall && outcome === "succeeded" ? { incomplete: true as const } : {}),
      ...extra,
    };
  }
}
