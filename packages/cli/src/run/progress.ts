/**
 * The run as it happens: the routine's events (it is the run's EventSink) and the API calls
 * it makes (it watches the observed API) become one line each, and — on a terminal — a
 * footer of one line per droplet, redrawn in place, with its phase, the time waited in it and
 * the last action's status, or the progress of the job running on it. Off a terminal, a job's
 * progress is a line now and then (./job-progress.ts), so a CI log stays small.
 */
import {
  busyMessage,
  type Droplet,
  type DropletAction,
  type EventSink,
  type LifeboatEvent,
  ownedElsewhereText,
  reconciledText,
  windowText,
} from "@lifeboat/core";
import { human } from "../table";
import { drillLines } from "./drill-lines";
import {
  type JobProgress,
  type LoggedProgress,
  logProgressNow,
  percentDone,
  progressLogLine,
  progressText,
} from "./job-progress";
import type { ApiWatcher } from "./observed-api";
import type { TimeBase } from "./time-base";
import { verifyLines } from "./verify-lines";

interface Row {
  phase: string;
  since: number;
  /** The last action started or looked at, e.g. "snapshot in-progress". */
  action?: string;
  /** The droplet's status when last read. */
  status?: string;
  /** The snapshot this run started, and its action's status when last seen. */
  snapshot?: { name: string; actionId: number; status: string };
  /** The job running on the droplet, as its last poll said; gone once its droplet moves on. */
  job?: JobProgress;
  /** What the log (not a terminal) last said about that job. */
  jobLogged?: LoggedProgress;
}

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  /** The terminal's width: footer lines are cut to it, as a wrapped line would break the redraw. */
  columns?: number;
}

export class ProgressView implements EventSink, ApiWatcher {
  readonly events: LifeboatEvent[] = [];
  private readonly rows = new Map<string, Row>();
  private readonly names = new Map<number, string>();
  private readonly started: number;
  private footerLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  /** Lines said while a question is open: written after it, so they never split the prompt. */
  private held: string[] = [];
  /** Called for each approval question (the terminal prompt answers it). */
  onApproval: ((event: Extract<LifeboatEvent, { type: "approval.requested" }>) => void) | undefined;

  constructor(
    private readonly out: Output | undefined,
    private readonly time: TimeBase,
  ) {
    this.started = time.now();
  }

  /** Starts redrawing the footer (terminals only). */
  startLive(): void {
    if (!this.out?.isTTY) return;
    this.timer = setInterval(() => this.redraw(), 250);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.clearFooter();
  }

  /** Stops the footer and holds every line while a question is asked, so the prompt stays put. */
  pause(paused: boolean): void {
    this.paused = paused;
    if (paused) {
      this.clearFooter();
      return;
    }
    const held = this.held;
    this.held = [];
    for (const line of held) this.out?.write(`${line}\n`);
    this.redraw();
  }

  /** One line above the footer (held until the open question is answered). */
  say(line: string): void {
    if (!this.out) return;
    if (this.paused) {
      this.held.push(line);
      return;
    }
    this.clearFooter();
    this.out.write(`${line}\n`);
    if (this.timer) this.redraw();
  }

  /** Droplets whose status was last read as off: what a Ctrl-C has to power back on. */
  dropletsOff(): string[] {
    return [...this.rows].filter(([, r]) => r.status === "off").map(([name]) => name);
  }

  /** The snapshots this run started, per droplet, with their action's last seen status. */
  snapshots(): Array<{ droplet: string; name: string; actionId: number; status: string }> {
    return [...this.rows].flatMap(([droplet, r]) => (r.snapshot ? [{ droplet, ...r.snapshot }] : []));
  }

  async emit(event: LifeboatEvent): Promise<void> {
    this.events.push(event);
    const d = event.droplet;
    if (event.type !== "archive.progress") this.endJob(event);
    switch (event.type) {
      case "run.started":
        for (const name of event.droplets) this.phase(name, "queued");
        this.line("*", `${event.dryRun ? "dry run" : "run"} ${event.runId} started: ${event.droplets.join(", ")}`);
        break;
      case "approval.requested":
        this.phase(d, "approval");
        this.line(
          d,
          `asks for approval to power off (expected downtime ~${human(event.expectedDowntimeSeconds)}; if nobody answers: ${event.onTimeout})`,
        );
        this.onApproval?.(event);
        break;
      case "approval.decided":
        this.line(
          d,
          `approval: ${event.decision}${event.decidedBy ? ` by ${event.decidedBy}` : ""} → ${event.outcome}`,
        );
        break;
      case "droplet.powered_off":
        this.phase(d, "off");
        this.line(d, `powered off (${event.how}, after ${human(event.waitedSeconds)})`);
        break;
      case "snapshot.completed": {
        const row = this.rows.get(d);
        if (row?.snapshot) row.snapshot.status = "completed";
        this.phase(d, event.live ? "live snapshot done" : "off");
        this.line(
          d,
          `snapshot ${event.snapshotName} done in ${human(event.durationSeconds)}${event.sizeGb ? ` (${event.sizeGb} GB)` : ""}`,
        );
        break;
      }
      case "snapshot.copied":
        this.line(
          d,
          `snapshot ${event.snapshotName} copied to ${event.region} in ${human(event.durationSeconds)} (now in ${event.regions.join(", ")})`,
        );
        break;
      case "snapshot.copy-failed":
        this.line(
          d,
          `copy of ${event.snapshotName} to ${event.region} failed: ${event.error} — the snapshot is kept in ${event.regions.join(", ")}`,
        );
        break;
      case "droplet.powered_on":
        this.phase(d, "retention");
        this.line(d, `powered on again: off for ${human(event.downtimeSeconds)}`);
        break;
      case "archive.progress":
        this.jobProgress(event);
        break;
      case "archive.stored":
        this.line(d, `stored ${event.kind} ${event.name}: ${event.bytes} bytes, sha256 ${event.sha256.slice(0, 12)}…`);
        break;
      case "duplicity.completed":
        this.line(d, `duplicity ${event.mode}: ${event.bytes} bytes in ${human(event.durationSeconds)}`);
        break;
      case "retention.applied":
        this.phase(d, "done");
        this.line(
          d,
          `retention${event.dryRun ? " (dry run)" : ""}: keeps ${event.kept.length}, ${event.dryRun ? "would delete" : "deleted"} ${event.deleted.length}${event.deleted.length ? ` (${event.deleted.join(", ")})` : ""}`,
        );
        for (const c of event.deletedRegions ?? []) {
          this.line(d, `${c.name} was in ${c.regions.join(", ")}: its one delete removed every copy`);
        }
        break;
      case "run.failed":
        if (d !== "*") this.phase(d, "failed");
        this.line(d, `${event.phase} failed: ${event.error} — ${event.recovery}`);
        break;
      case "run.finished":
        this.line("*", `run finished: ${event.outcome} in ${human(event.durationSeconds)}`);
        break;
      case "watchdog.recovered":
        break;
      case "droplet.busy":
        this.phase(d, "skipped");
        this.line(
          d,
          `skipped: ${busyMessage(d, { ...event.heldBy, by: event.heldBy.startedBy, since: Date.parse(event.heldBy.since) })}`,
        );
        break;
      case "drill.started":
      case "drill.passed":
      case "drill.failed":
        this.phase(d, event.type === "drill.started" ? "drill" : event.type.replace(".", " "));
        for (const line of drillLines(event)) this.line(d, line);
        break;
      case "verify.finished":
        for (const line of verifyLines(event)) this.line(d, line);
        break;
      case "backups.reconciled":
        if (event.error !== undefined) this.line("*", `DO Backups not reconciled: ${event.error}`);
        for (const c of event.changes) this.line("*", `DO Backups ${reconciledText(c, !!event.dryRun)}`);
        for (const o of event.ownedElsewhere ?? []) this.line("*", `DO Backups ${ownedElsewhereText(o)}`);
        break;
      case "backup-window.waited": {
        const window = { start: Date.parse(event.window.start), end: Date.parse(event.window.end) };
        this.line(d, `waited ${human(event.waitedSeconds)} for its DO backup window (${windowText(window)}) to end`);
        break;
      }
    }
  }

  found(droplets: Droplet[]): void {
    for (const d of droplets) this.names.set(d.id, d.name);
  }

  snapshotStarted(dropletId: number, snapshotName: string, action: DropletAction): void {
    const row = this.rows.get(this.names.get(dropletId) ?? "");
    if (row) row.snapshot = { name: snapshotName, actionId: action.id, status: action.status };
  }

  action(action: DropletAction): void {
    const name = this.names.get(action.dropletId);
    if (!name) return;
    const row = this.rows.get(name);
    if (row?.snapshot?.actionId === action.id) row.snapshot.status = action.status;
    const before = row?.action;
    const text = `${action.type} ${action.status}`;
    if (action.status === "in-progress" && !before?.startsWith(`${action.type} `)) {
      const phase = {
        shutdown: "powering off",
        power_off: "powering off",
        snapshot: "snapshot",
        power_on: "powering on",
      }[action.type];
      if (phase) this.phase(name, phase);
      this.line(name, `${action.type.replace("_", " ")} started`);
    }
    const current = this.rows.get(name);
    if (current) current.action = text;
  }

  status(dropletId: number, status: string): void {
    const name = this.names.get(dropletId);
    const row = name ? this.rows.get(name) : undefined;
    if (row) row.status = status;
  }

  /** A poll of a droplet's job: the footer shows it; a log gets a line when one is due. */
  private jobProgress(event: JobProgress): void {
    const name = event.droplet;
    this.phase(name, event.job === "archive" ? "archiving" : "duplicity");
    const row = this.rows.get(name) as Row;
    if (row.job?.job !== event.job) delete row.jobLogged;
    row.job = event;
    if (this.out?.isTTY) return;
    const now = this.time.now();
    if (!logProgressNow(row.jobLogged, now, event)) return;
    row.jobLogged = { at: now, percent: percentDone(event) };
    this.line(name, progressLogLine(event));
  }

  /** Any other event of a droplet means its job stored, failed or ended: its progress goes. */
  private endJob(event: LifeboatEvent): void {
    const ended =
      event.droplet !== "*"
        ? [this.rows.get(event.droplet)]
        : event.type === "run.finished" || event.type === "run.failed"
          ? [...this.rows.values()]
          : [];
    for (const row of ended) {
      if (!row) continue;
      delete row.job;
      delete row.jobLogged;
    }
  }

  private phase(name: string, phase: string): void {
    const row = this.rows.get(name);
    if (row?.phase === phase) return;
    this.rows.set(name, { ...row, phase, since: this.time.now() });
  }

  private line(droplet: string, text: string): void {
    const t = Math.round((this.time.now() - this.started) / 1000);
    const stamp = `+${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`;
    this.say(`${stamp}  ${(droplet === "*" ? "" : droplet).padEnd(8)}  ${text}`);
  }

  private clearFooter(): void {
    if (this.footerLines > 0 && this.out) {
      this.out.write(`\x1b[${this.footerLines}A\x1b[0J`);
      this.footerLines = 0;
    }
  }

  private redraw(): void {
    if (!this.out?.isTTY || this.paused) return;
    this.clearFooter();
    const now = this.time.now();
    // A line longer than the terminal wraps, and the next redraw would then clear too few lines.
    const width = this.out.columns ? this.out.columns - 1 : Number.POSITIVE_INFINITY;
    const lines = [...this.rows].map(([name, r]) => footerLine(name, r, now).slice(0, width));
    if (lines.length === 0) return;
    this.out.write(`${lines.join("\n")}\n`);
    this.footerLines = lines.length;
  }
}

/** A droplet's footer line: its phase, the time in it, then its job's progress or its last action. */
function footerLine(name: string, r: Row, now: number): string {
  const detail = r.job
    ? progressText(r.job)
    : [r.status && `droplet ${r.status}`, r.action && `last action: ${r.action}`].filter(Boolean).join(", ");
  return `  ▸ ${name.padEnd(8)}  ${r.phase.padEnd(12)}  ${human((now - r.since) / 1000).padStart(6)}  ${detail}`;
}
