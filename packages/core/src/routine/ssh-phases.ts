/**
 * Steps 1–3 over SSH through the `DropletHost` port (pre hooks, inventory, archives and
 * archive retention, duplicity, post hooks), and step 7's restart of the containers that ran.
 * Archives and duplicity run as jobs on the droplet, followed across durable waits
 * (./follow-job.ts). A failing phase is reported and the snapshot is still taken.
 */
import { emit, type RoutineDeps } from "./deps";
import type { DropletReport } from "./droplet-report";
import type { DurableSteps } from "./durable";
import { type ClaimKeeper, followJob, JobFailed } from "./follow-job";
import { type DropletHost, type HostRun, type Inventory, noHostReason } from "./host";
import type { DropletRun } from "./power";
import { sshStep } from "./ssh-step";

/** The droplet's host, when it has one this run, and what its inventory found (for step 7). */
export interface SshPhases {
  host?: DropletHost;
  inventory?: Inventory;
}

/** Steps 1–3 when the droplet has a host this run; else they are reported as skipped, with why. */
export async function sshPhases(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  run: Omit<HostRun, "plan">,
  report: DropletReport,
  claim?: ClaimKeeper,
): Promise<SshPhases> {
  const given = deps.hosts?.(r.droplet, {
    runId: r.runId,
    plan: r.plan,
    dryRun: run.dryRun,
    ...(run.startedAt !== undefined ? { startedAt: run.startedAt } : {}),
  });
  if (given && !("skipped" in given)) {
    return { host: given, inventory: await overSsh(ctx, deps, r, given, report, claim) };
  }
  for (const p of ["inventory", "archive", "duplicity"]) report.phase(p, "skipped");
  report.note(`SSH phases skipped: ${noHostReason(given, deps.hosts !== undefined, r.droplet.name)}`);
  return {};
}

/** Steps 1–3 over SSH, in order. */
async function overSsh(
  ctx: DurableSteps,
  deps: RoutineDeps,
  r: DropletRun,
  host: DropletHost,
  report: DropletReport,
  claim?: ClaimKeeper,
): Promise<Inventory | undefined> {
  const name = r.droplet.name;
  const base = { runId: r.runId, plan: r.plan.name, droplet: name };

  const preFailed = await runHooks(ctx, r, host, "pre", report);
  // A failed pre hook (e.g. a database dump) makes an archive a lie: by default (onFailure
  // "skip-archives") neither archives nor duplicity run. The inventory still does: step 7
  // restarts what ran. Post hooks still run: they often undo what a pre hook began.
  const skipArchives = preFailed?.onFailure === "skip-archives";
  if (preFailed) {
    report.note(
      skipArchives
        ? `archives and duplicity skipped: pre hook \`${preFailed.command}\` failed (onFailure: "skip-archives")`
        : `pre hook \`${preFailed.command}\` failed; archives and duplicity ran anyway (onFailure: "continue")`,
    );
  }

  let inventory: Inventory | undefined;
  try {
    inventory = await ctx.step(`inventory ${name}`, () => host.inventory(), sshStep);
    report.phase("inventory", "done");
  } catch (error) {
    await report.fail("inventory", error, "archives skipped; the snapshot is still taken");
  }

  if (inventory && !skipArchives) {
    let archived = false;
    try {
      // start archive job, then wait and poll it until it ends, then finish: ./follow-job.ts
      const stored = await followJob(ctx, deps, r, host, report, "archive", () => host.finishArchive(), claim);
      report.phase("archive", stored ? "done" : "skipped");
      archived = stored?.some((a) => a.kind === "manifest") ?? false;
      const files = (stored ?? []).filter((a) => a.kind !== "manifest");
      if (archived) report.stored({ archives: { count: files.length, bytes: files.reduce((n, a) => n + a.bytes, 0) } });
      for (const [i, a] of (stored ?? []).entries()) {
        // The manifest is the archive job's last word: it carries how long the job ran (the ArchiveSeconds metric).
        const jobSeconds = a.kind === "manifest" ? report.jobSeconds.archive : undefined;
        await emit(ctx, deps, `archive stored ${name} ${i}`, {
          ...base,
          type: "archive.stored",
          ...a,
          ...(jobSeconds !== undefined ? { jobSeconds } : {}),
        });
      }
    } catch (error) {
      await report.fail("archive", error, recoveryOf(error, "no manifest was written; the snapshot is still taken"));
    }
    if (archived && host.retainArchives) {
      const retain = host.retainArchives.bind(host);
      try {
        const kept = await ctx.step(`archive retention ${name}`, () => retain(), sshStep);
        report.phase("archive retention", "done");
        report.retained("archives", kept);
        await emit(ctx, deps, `archive retention ${name}`, {
          ...base,
          type: "retention.applied",
          target: "archives",
          ...kept,
        });
      } catch (error) {
        await report.fail(
          "archive retention",
          error,
          "no archive was deleted by this failure; the next run tries again",
        );
      }
    }
  } else report.phase("archive", "skipped");

  if (skipArchives) report.phase("duplicity", "skipped");
  else {
    try {
      // The same: start duplicity job, wait and poll, finish.
      const dup = await followJob(ctx, deps, r, host, report, "duplicity", () => host.finishDuplicity(), claim);
      report.phase("duplicity", dup ? "done" : "skipped");
      if (dup) report.stored({ duplicity: { mode: dup.mode, bytes: dup.bytes } });
      if (dup) await emit(ctx, deps, `duplicity ${name}`, { ...base, type: "duplicity.completed", ...dup });
    } catch (error) {
      await report.fail("duplicity", error, recoveryOf(error, "the snapshot is still taken"));
    }
  }

  await runHooks(ctx, r, host, "post", report);
  return inventory;
}

/** What was done about a failed phase: what stopping its job did, if it ran one, then `rest`. */
const recoveryOf = (error: unknown, rest: string): string =>
  error instanceof JobFailed ? `${error.recovery}; ${rest}` : rest;

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
  report: DropletReport,
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
      report.phase(phase, "done");
      return undefined;
    }
    index = bad;
    const hook = results[bad]!;
    const how = hook.timedOut ? "timed out" : `exited ${hook.exitCode}`;
    const stderr = hook.stderr.trim().slice(-500);
    throw new Error(`hook \`${hook.command}\` ${how}${stderr ? `: ${stderr}` : ""}`);
  } catch (error) {
    if (stage === "post") {
      await report.fail(phase, error, "the backup is kept");
      return undefined;
    }
    const pre = r.plan.hooks.pre[index] ?? r.plan.hooks.pre[0]!;
    await report.fail(
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
export async function restartContainers(
  ctx: DurableSteps,
  r: DropletRun,
  { host, inventory }: SshPhases,
  report: DropletReport,
): Promise<{ restarted: string[]; failed: string[] } | undefined> {
  if (!host || !inventory) {
    report.phase("containers", "skipped");
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
    report.phase("containers", result.failed.length > 0 || !result.ssh ? "failed" : "done");
    return { restarted: result.restarted, failed: result.failed };
  } catch {
    report.phase("containers", "failed");
    return { restarted: [], failed: ran };
  }
}
