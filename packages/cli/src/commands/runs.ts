/**
 * `lifeboat runs [plan]` and `lifeboat show <runId>`: the run history (every run's record,
 * deployed or local, packages/storage/FORMAT.md "Run records") read from the configured
 * store. Reads storage only: no DigitalOcean token, no sandbox.
 */
import { findPlan, type LifeboatConfig, type RunRecord, unknownPlanMessage } from "@lifeboat/core";
import { runHistory, type StoredRunHistory } from "@lifeboat/storage";
import { openStorage } from "../environment";
import { loadConfig } from "../load-config";
import { EXIT, printProblems, refuse, writeJson } from "../output";
import { human, table } from "../table";
import { iso } from "./context";

/** Records listed when `--last` is not given. */
export const DEFAULT_LAST = 20;

interface Options {
  config: string;
  json: boolean;
  last?: number;
}

export async function runsCommand(planName: string | undefined, options: Options): Promise<number> {
  const opened = await openHistory(options);
  if (typeof opened === "number") return opened;
  const { config, history, location } = opened;
  if (planName !== undefined && !findPlan(config, planName)) {
    return refuse(options.json, unknownPlanMessage(config, planName));
  }
  const last = options.last ?? DEFAULT_LAST;
  const plans = planName !== undefined ? [planName] : config.plans.map((p) => p.name);
  // Each plan's newest `last` (one listing each), merged: the newest `last` of all.
  const records = (await Promise.all(plans.map((p) => history.list(p, { last }))))
    .flat()
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))
    .slice(0, last);
  if (options.json) {
    writeJson(process.stdout, { ok: true, storage: location, runs: records });
    return EXIT.ok;
  }
  if (records.length === 0) {
    process.stdout.write(`no runs recorded in ${location} yet; a run writes its record when it ends\n`);
    return EXIT.ok;
  }
  const rows = records.map((r) => [
    iso(r.startedAt),
    r.plan,
    r.runId,
    r.startedBy.by ? `${r.startedBy.trigger} (${r.startedBy.by})` : r.startedBy.trigger,
    r.outcome,
    dropletsCell(r),
    human(r.durationSeconds),
  ]);
  process.stdout.write(
    `${table(["when", "plan", "run id", "trigger", "outcome", "droplets", "duration"], rows)}\n` +
      `(newest first, from ${location}; \`lifeboat show <run id>\` prints one in full)\n`,
  );
  return EXIT.ok;
}

export async function showCommand(runId: string, options: Options): Promise<number> {
  const opened = await openHistory(options);
  if (typeof opened === "number") return opened;
  const { config, history, location } = opened;
  const record = await findRecord(history, config, runId);
  if (!record) {
    return refuse(
      options.json,
      `no run "${runId}" in the run history at ${location}; \`lifeboat runs\` lists the recorded runs and their ids`,
    );
  }
  if (options.json) {
    writeJson(process.stdout, { ok: true, storage: location, run: record });
    return EXIT.ok;
  }
  process.stdout.write(`${recordText(record)}\n`);
  return EXIT.ok;
}

async function openHistory(
  options: Options,
): Promise<number | { config: LifeboatConfig; history: StoredRunHistory; location: string }> {
  const loaded = await loadConfig(options.config);
  if (!loaded.ok) {
    printProblems(loaded.path, loaded.problems, options.json);
    return EXIT.badInput;
  }
  const sink = openStorage(loaded.config);
  return { config: loaded.config, history: runHistory(sink), location: sink.location };
}

/** A run id starts with its plan's name: those plans are looked in first (longest name first), then the others. */
async function findRecord(history: StoredRunHistory, config: LifeboatConfig, runId: string) {
  const plans = config.plans
    .map((p) => p.name)
    .sort((a, b) => Number(runId.startsWith(`${b}-`)) - Number(runId.startsWith(`${a}-`)) || b.length - a.length);
  for (const plan of plans) {
    const found = await history.get(plan, runId);
    if (found) return found;
  }
  return undefined;
}

/** "2 of 3 ok", "none". */
function dropletsCell(r: RunRecord): string {
  if (r.droplets.length === 0) return "none";
  return `${r.droplets.filter((d) => d.outcome === "succeeded").length} of ${r.droplets.length} ok`;
}

/** One record in full, for people. */
export function recordText(r: RunRecord): string {
  const by = r.startedBy.by ? ` by ${r.startedBy.by}` : "";
  const lines = [
    `Run ${r.runId} (plan ${r.plan}): ${r.outcome}`,
    `  started  ${iso(r.startedAt)} (${r.startedBy.trigger}${by})`,
    `  finished ${iso(r.finishedAt)}, ${human(r.durationSeconds)}`,
  ];
  if (r.error) lines.push(`  could not start: ${r.error}`);
  if (r.droplets.length > 0) {
    const rows = r.droplets.map((d) => [
      d.droplet,
      d.outcome,
      d.snapshot?.name ?? "—",
      d.downtimeSeconds !== undefined ? human(d.downtimeSeconds) : "—",
      d.archives ? `${d.archives.count} (${d.archives.bytes} B)` : "—",
      d.duplicity ? `${d.duplicity.kind} (${d.duplicity.bytes} B)` : "—",
      d.retentionDeleted ? String(d.retentionDeleted.snapshots.length + d.retentionDeleted.archives.length) : "0",
    ]);
    lines.push(
      "",
      table(["droplet", "outcome", "snapshot", "downtime", "archives", "duplicity", "retention deleted"], rows),
    );
  }
  for (const d of r.droplets) {
    if (d.detail) lines.push(`  ${d.droplet}: ${d.detail}`);
    for (const e of d.errors) lines.push(`  ${d.droplet} error: ${e}`);
    if (d.retentionDeleted?.snapshots.length) {
      lines.push(`  ${d.droplet} retention deleted snapshots: ${d.retentionDeleted.snapshots.join(", ")}`);
    }
    if (d.retentionDeleted?.archives.length) {
      lines.push(`  ${d.droplet} retention deleted archive runs: ${d.retentionDeleted.archives.join(", ")}`);
    }
  }
  return lines.join("\n");
}
