/**
 * A dry run's preview in words: one sentence per droplet (the report's detail, the Slack
 * thread's summary) and a few lines per droplet (the CLI). Pure.
 */
import { formatDuration } from "../duration";
import type { DropletPreview, RetentionPreview } from "./dry-run";

/**
 * Bytes in the units people read, decimal like Docker's: 1.2 GB, 340 MB; "size unknown" when absent.
 * @example bytesText(1_234_000_000) // "1.2 GB"
 */
export function bytesText(bytes: number | undefined): string {
  if (bytes === undefined) return "size unknown";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** The total of known sizes, and whether some were unknown. */
function total(items: Array<{ bytes?: number }>): string {
  const known = items.filter((i) => i.bytes !== undefined);
  if (known.length === 0) return "size unknown";
  const sum = bytesText(known.reduce((s, i) => s + (i.bytes ?? 0), 0));
  return known.length < items.length ? `at least ${sum}` : sum;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One sentence: "would power off ~26 min, snapshot lifeboat-…, archive 1 image (1.2 GB) …, delete 1 old snapshot". */
export function describePreview(p: DropletPreview): string {
  const parts: string[] = [];
  const s = p.snapshot;
  if (s.mode === "none") parts.push("no snapshot (mode none)");
  else if (s.name) {
    const off =
      s.mode === "offline" && s.expectedDowntimeSeconds !== undefined
        ? `power off for ~${formatDuration(s.expectedDowntimeSeconds)}${s.approval ? " (after approval)" : ""}, `
        : "";
    parts.push(`${off}${s.mode === "live" ? "live " : ""}snapshot ${s.name}`);
    if (s.backupWindow) parts.push(s.backupWindow);
  }
  if (p.host.reached) {
    const h = p.host;
    if (h.containers.length > 0) parts.push(`capture ${count(h.containers.length, "image")} (${total(h.containers)})`);
    if (h.volumes.length > 0) parts.push(`archive ${count(h.volumes.length, "volume")} (${total(h.volumes)})`);
    if (h.duplicityPaths.length > 0)
      parts.push(`duplicity ${h.duplicityPaths.map((d) => d.path).join(", ")} (${total(h.duplicityPaths)})`);
    if (h.containers.length + h.volumes.length + h.duplicityPaths.length === 0) parts.push("nothing to archive");
  } else parts.push(`no SSH phases (${p.host.reason})`);
  if (p.copies?.to.length) {
    const bad = p.copies.unknownRegions ? ` (no such region: ${p.copies.unknownRegions.join(", ")})` : "";
    parts.push(`copy it to ${p.copies.to.join(", ")}${bad}`);
  }
  const old = p.retention.snapshots?.delete.length ?? 0;
  const runs = p.retention.archives?.delete.length ?? 0;
  if (old > 0) parts.push(`delete ${count(old, "old snapshot")}`);
  if (runs > 0) parts.push(`delete ${count(runs, "old archive run")}`);
  return `would ${parts.join(", ")}`;
}

/** The CLI's lines for one droplet, indented under its name. */
export function previewLines(p: DropletPreview): string[] {
  const lines = [`${p.droplet} (#${p.dropletId}, ${p.status})`];
  const say = (text: string) => lines.push(`  ${text}`);
  const s = p.snapshot;
  if (s.mode === "none") say("snapshot: none (the plan's snapshot.mode is none)");
  else if (s.name && s.estimate) {
    const basis =
      s.estimate.source === "previous-snapshot"
        ? `previous snapshot ${s.estimate.usedGb} GB at ${Math.round(s.estimate.secondsPerGb)} s/GB${s.estimate.speed === "measured" ? " (measured)" : ""}`
        : `disk size ${s.estimate.usedGb} GB at ${s.estimate.secondsPerGb} s/GB (no earlier snapshot)`;
    say(`snapshot: ${s.name} (${s.mode}), ~${formatDuration(s.estimate.expectedSeconds)} from ${basis}`);
    if (s.mode === "offline" && s.expectedDowntimeSeconds !== undefined) {
      say(
        `downtime: ~${formatDuration(s.expectedDowntimeSeconds)} (the watchdog powers it on after ${formatDuration(s.maxDowntimeSeconds ?? 0)})`,
      );
    }
    if (s.approval) say(`approval: asked first; no answer in ${s.approval.timeout} means ${s.approval.onTimeout}`);
    if (s.backupWindow) say(`DO backup window: ${s.backupWindow}`);
  } else say("snapshot: unknown (its snapshots could not be read)");
  for (const [stage, commands] of Object.entries(p.hooks)) {
    for (const c of commands) say(`${stage} hook (not run in a dry run): ${c}`);
  }
  if (p.host.reached) {
    for (const c of p.host.containers) {
      say(`image: ${c.name} (${c.image}, ${c.running ? "running" : "stopped"}), ${bytesText(c.bytes)}`);
    }
    for (const v of p.host.volumes) {
      say(`volume: ${v.name}${v.usedBy.length ? ` (used by ${v.usedBy.join(", ")})` : ""}, ${bytesText(v.bytes)}`);
    }
    if (p.host.stopped.length > 0) say(`stopped while their volumes are archived: ${p.host.stopped.join(", ")}`);
    for (const d of p.host.duplicityPaths) say(`duplicity: ${d.path}, ${bytesText(d.bytes)}`);
    if (p.host.containers.length + p.host.volumes.length + p.host.duplicityPaths.length === 0) {
      say("archives: nothing in this plan's selection on this droplet");
    }
  } else say(`SSH phases: would not run — ${p.host.reason}`);
  if (p.copies) {
    if (p.copies.to.length) {
      say(
        `copies: to ${p.copies.to.join(", ")} after the snapshot, the droplet back on (each region billed as one more snapshot)`,
      );
    }
    if (p.copies.ownRegion) say(`copies: ${p.copies.ownRegion} is the droplet's own region, ignored`);
    if (p.copies.unknownRegions) {
      say(
        `copies: DigitalOcean offers no region ${p.copies.unknownRegions.join(", ")}: fix snapshot.copyTo (a run would report those copies failed)`,
      );
    }
  }
  retentionLines("snapshot retention", p.retention.snapshots, say);
  retentionLines("archive retention", p.retention.archives, say);
  for (const u of p.unknown) say(`unknown: ${u}`);
  return lines;
}

function retentionLines(what: string, r: RetentionPreview | undefined, say: (text: string) => void): void {
  if (!r) return;
  say(`${what}: keeps ${r.keep.length}, deletes ${r.delete.length}`);
  for (const d of r.delete) say(`  would delete ${d.name}: ${d.why}`);
}
