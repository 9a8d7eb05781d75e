/**
 * Once per run, before the droplets' backups: DigitalOcean's own Backups of the plan's
 * droplets brought to its `dropletBackups` (#16 §1), and what they are afterwards, for the
 * backup-window check before each power-off (./backup-window.ts).
 *
 * One listing for the whole run (`GET /v2/droplets/backups/policies`, every droplet of the
 * account in one call per 200), then, only for a droplet that differs, its action
 * (`enable_backups`, `change_backup_policy` or `disable_backups`; the client waits out a
 * pending event), all started first and then looked at together until each has ended. A
 * droplet the plan does not select is never touched; `unmanaged` changes nothing; a droplet
 * whose Backups another plan owns (../droplet-backups/owner.ts) is read, never changed, and the
 * report names its owner; a dry run reads and reports only. A failure is reported for its droplet and never fails the backup.
 */
import type { Plan } from "../config/schema";
import { type BackupsOwnerPlan, backupsOwner } from "../droplet-backups/owner";
import { type BackupsChange, backupsChange, backupsStateText, stateAfter } from "../droplet-backups/reconcile";
import type { KnownBackups } from "../droplet-backups/window";
import type { BackupsOwnedElsewhere, BackupsReconciledChange, EventOf } from "../events";
import type { Droplet, DropletBackupPolicy } from "../ports/digitalocean";
import { emit, messageOf, type RoutineDeps } from "./deps";
import { type DurableSteps, runOnce } from "./durable";

/** What the run knows of its droplets' Backups after reconciling, for the window checks. JSON (a step result's parts). */
export interface RunBackups {
  /** By droplet id: DO's state (after this run's changes); a droplet not here is not known. */
  known: Record<string, NonNullable<KnownBackups>>;
  /** Why the droplets' Backups are not known, when the listing failed. */
  error?: string;
  /** By droplet id: a change of its Backups that failed, in words, for the droplet's own report. */
  failed?: Record<string, string>;
}

/** The reconciliation as the run's result carries it: the `backups.reconciled` event's own fields. */
export type BackupsReconciled = Omit<EventOf<"backups.reconciled">, "type" | "runId" | "plan" | "droplet" | "at">;

/** A policy action takes seconds: one look 15 s after they started usually sees them all done (one read each). */
const FIRST_CHECK = { seconds: 15 };
const POLL = { seconds: 10 };
const GIVE_UP_SECONDS = 600;

/**
 * Reads the plan's droplets' Backups (when anything needs them) and reconciles them. Never
 * throws. `backups` is undefined when nothing needed reading: a plan that leaves Backups
 * unmanaged and never powers a droplet off makes no call at all.
 */
export async function reconcileBackups(
  ctx: DurableSteps,
  deps: RoutineDeps,
  run: { runId: string; plan: Plan; dryRun: boolean; plans: readonly BackupsOwnerPlan[] },
  droplets: Droplet[],
): Promise<{ backups?: RunBackups; reconciled?: BackupsReconciled }> {
  const { plan } = run;
  const setting = plan.dropletBackups;
  const managed = setting !== "unmanaged";
  // The windows matter to a plan that powers droplets off (a dry run says what they would do).
  const needed = managed || plan.snapshot.mode === "offline";
  if (!needed || droplets.length === 0) return {};

  const listed = await ctx.step("read backup policies", async () => {
    const ids = new Set(droplets.map((d) => d.id));
    try {
      // Only the plan's droplets are kept: the step's recorded result stays small.
      const policies = (await deps.api.listBackupPolicies()).filter((p) => ids.has(p.dropletId));
      return { policies, error: undefined };
    } catch (error) {
      return { policies: [] as DropletBackupPolicy[], error: messageOf(error) };
    }
  });
  const known: RunBackups["known"] = {};
  for (const p of listed.policies)
    known[p.dropletId] = { enabled: p.enabled, policy: p.policy, nextWindow: p.nextWindow };
  if (listed.error !== undefined) {
    const error = `DigitalOcean's backup policies could not be read: ${listed.error}`;
    const backups = { known, error };
    if (!managed) return { backups };
    const reconciled = { target: targetText(setting), changes: [], unchanged: [], error, ...dry(run) };
    await emitReconciled(ctx, deps, run, reconciled);
    return { backups, reconciled };
  }
  if (!managed) return { backups: { known } };

  const changes: Array<{
    droplet: Droplet;
    change: Exclude<BackupsChange, { kind: "none" }>;
    before: NonNullable<KnownBackups>;
  }> = [];
  const unchanged: string[] = [];
  const ownedElsewhere: BackupsOwnedElsewhere[] = [];
  const report: BackupsReconciledChange[] = [];
  for (const droplet of droplets) {
    // An earlier plan in the config manages this droplet's Backups: only its runs change them.
    const owner = backupsOwner(run.plans, droplet);
    if (owner && owner.name !== plan.name) {
      ownedElsewhere.push({ droplet: droplet.name, owner: owner.name });
      continue;
    }
    const before = known[droplet.id];
    if (!before) {
      report.push({
        droplet: droplet.name,
        dropletId: droplet.id,
        change: setting === "off" ? "disable" : "enable",
        before: "unknown",
        after: "unknown",
        error: "DigitalOcean's backup policy listing has no entry for it; nothing was changed",
      });
      continue;
    }
    const change = backupsChange(setting, { dropletId: droplet.id, ...before });
    if (change.kind === "none") unchanged.push(droplet.name);
    else changes.push({ droplet, change, before });
  }

  const errors =
    run.dryRun || changes.length === 0
      ? {}
      : await ctx.runInChildContext("backups changes", (child) => applyChanges(child, deps, changes));
  for (const { droplet, change, before } of changes) {
    const error = errors[droplet.id];
    const after = error === undefined ? stateAfter(before, change) : before;
    // The new policy's window is not DO's listed one: the window check works it out from the policy.
    if (error === undefined && !run.dryRun) known[droplet.id] = { enabled: after.enabled, policy: after.policy };
    report.push({
      droplet: droplet.name,
      dropletId: droplet.id,
      change: change.kind,
      before: backupsStateText(before),
      after: backupsStateText(after),
      ...(error !== undefined ? { error } : {}),
    });
  }
  const reconciled: BackupsReconciled = {
    target: targetText(setting),
    changes: report,
    unchanged,
    ...(ownedElsewhere.length ? { ownedElsewhere } : {}),
    ...dry(run),
  };
  await emitReconciled(ctx, deps, run, reconciled);
  const failed = Object.fromEntries(
    report
      .filter((c) => c.error !== undefined)
      .map((c) => [c.dropletId, `DO Backups ${c.change} failed (still ${c.before}): ${c.error}`]),
  );
  return { backups: { known, ...(Object.keys(failed).length ? { failed } : {}) }, reconciled };
}

/** Starts every change (one step each, never retried: a repeat would start a second action), then waits for them together. By droplet id: why a change failed. */
async function applyChanges(
  ctx: DurableSteps,
  deps: RoutineDeps,
  changes: Array<{ droplet: Droplet; change: Exclude<BackupsChange, { kind: "none" }> }>,
): Promise<Record<number, string>> {
  const errors: Record<number, string> = {};
  const started: Record<number, number> = {};
  for (const { droplet, change } of changes) {
    const result = await ctx.step(
      `backups ${change.kind} ${droplet.name}`,
      async () => {
        try {
          const action =
            change.kind === "disable"
              ? await deps.api.disableBackups(droplet.id)
              : change.kind === "enable"
                ? await deps.api.enableBackups(droplet.id, change.policy)
                : await deps.api.changeBackupPolicy(droplet.id, change.policy);
          return { actionId: action.id, status: action.status, error: undefined };
        } catch (error) {
          return { actionId: undefined, status: undefined, error: messageOf(error) };
        }
      },
      runOnce,
    );
    if (result.error !== undefined) errors[droplet.id] = result.error;
    else if (result.status === "errored")
      errors[droplet.id] = `DigitalOcean's ${actionName(change)} action ended errored`;
    else if (result.status === "in-progress" && result.actionId !== undefined) started[droplet.id] = result.actionId;
  }
  if (Object.keys(started).length === 0) return errors;

  // Plain waits and steps, one look per step: all the actions are read in the same look.
  let statuses: Record<string, string> = {};
  let lastError: string | undefined;
  for (let look = 1, waited = 0; waited < GIVE_UP_SECONDS; look++) {
    const wait = look === 1 ? FIRST_CHECK : POLL;
    await ctx.wait(`backups changes check #${look}`, wait);
    waited += wait.seconds;
    const seen = await ctx.step(`look at backups changes #${look}`, async () => {
      const now = { ...statuses };
      try {
        for (const [dropletId, actionId] of Object.entries(started)) {
          if (now[dropletId] === undefined || now[dropletId] === "in-progress") {
            now[dropletId] = (await deps.api.getAction(actionId)).status;
          }
        }
        return { statuses: now, error: undefined };
      } catch (error) {
        // A look that fails counts as "not yet": what it learned before failing is kept.
        return { statuses: now, error: messageOf(error) };
      }
    });
    statuses = seen.statuses;
    lastError = seen.error;
    if (Object.keys(started).every((id) => statuses[id] !== undefined && statuses[id] !== "in-progress")) break;
  }
  for (const { droplet, change } of changes) {
    const actionId = started[droplet.id];
    if (actionId === undefined) continue;
    const status = statuses[droplet.id];
    if (status === "completed") continue;
    errors[droplet.id] =
      status === "errored"
        ? `DigitalOcean's ${actionName(change)} action ${actionId} ended errored`
        : `DigitalOcean's ${actionName(change)} action ${actionId} had not completed after ${GIVE_UP_SECONDS / 60} min${lastError ? ` (${lastError})` : ""}`;
  }
  return errors;
}

const actionName = (change: Exclude<BackupsChange, { kind: "none" }>) =>
  change.kind === "enable" ? "enable_backups" : change.kind === "change" ? "change_backup_policy" : "disable_backups";

function targetText(setting: Plan["dropletBackups"]): string {
  if (setting === "unmanaged" || setting === "off") return setting;
  return backupsStateText({ enabled: true, policy: setting });
}

const dry = (run: { dryRun: boolean }) => (run.dryRun ? { dryRun: true as const } : {});

function emitReconciled(
  ctx: DurableSteps,
  deps: RoutineDeps,
  run: { runId: string; plan: Plan },
  reconciled: BackupsReconciled,
): Promise<void> {
  return emit(ctx, deps, "backups reconciled", {
    runId: run.runId,
    plan: run.plan.name,
    droplet: "*",
    type: "backups.reconciled",
    ...reconciled,
  });
}
