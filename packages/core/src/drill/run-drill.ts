/**
 * A restore drill (#15 §2): boot the droplet's latest lifeboat snapshot on a scratch droplet
 * behind a firewall that lets nothing out, look at it over SSH with a host key made for this
 * drill, and always destroy it. The body of `backup-run` for a `DrillRequest` and of the CLI's
 * `lifeboat drill`. The original droplet is only read (its snapshots), never acted on.
 *
 * Per droplet, top to bottom:
 *   1. choose: its latest own snapshot (or the one named), the account's room for a droplet
 *      (active, and fewer droplets than its limit),
 *      the cheapest size whose disk fits (or `drill.size`), refused above `drill.maxHourlyPrice`;
 *   2. isolate: the firewall on the drill tag, inbound SSH only, no outbound;
 *   3. create the scratch droplet from the snapshot, tagged from creation, with user data that
 *      installs this drill's host key and lifeboat's public key;
 *   4. wait (bounded) for `active`, then for SSH with the pinned host key;
 *   5. check: volume archives restored (with `restoreVolumes`: downloaded by the droplet while
 *      its containers are stopped, see ./restore-volumes.ts), the containers that ran at backup
 *      time running, each `drill.checks` command;
 *   6. finally destroy it (unless `keep`), and report with the restore time and the cost.
 */
import { planNamed } from "../config/plan-named";
import type { LifeboatConfig, Plan } from "../config/schema";
import { type DrillRequest, executionName } from "../contracts";
import type { DrillCheckResult } from "../events";
import { planDroplets } from "../plan-droplets";
import type { Droplet } from "../ports/digitalocean";
import { emit, messageOf, type RoutineDeps } from "../routine/deps";
import { type DurableSteps, runOnce } from "../routine/durable";
import { pollUntil } from "../routine/poll";
import { chooseSize } from "./choose-size";
import { chooseSnapshot } from "./choose-snapshot";
import { DRILL_LIMITS, type DrillDeps, type DrillLimits, type ScratchAccess } from "./ports";
import { restoreVolumesIsolated } from "./restore-volumes";
import { DRILL_TAG, drillDropletName, drillFirewall, drillIdTag, drillTags } from "./tags";
import { drillUserData } from "./user-data";

/** A plan's drill settings; a plan without a `drill` section is drilled with these. */
export type DrillSettings = Omit<NonNullable<Plan["drill"]>, "schedule">;

export const DEFAULT_DRILL: DrillSettings = {
  checks: [],
  restoreVolumes: false,
  maxAge: { text: "2h", seconds: 7200 },
};

/** One droplet's drill, as the CLI prints it and `drill.passed` / `drill.failed` carry it. */
export interface DropletDrill {
  droplet: string;
  passed: boolean;
  snapshot?: string;
  /** The scratch droplet, once made. */
  scratch?: { id: number; name: string; sizeSlug: string; hourlyPriceUsd: number; address?: string };
  checks: DrillCheckResult[];
  /** Snapshot chosen → active → checks passed, seconds (a passed drill only). */
  restoreSeconds?: number;
  costUsd: number;
  /** Why the drill could not finish. */
  error?: string;
  destroyed: boolean;
  /** With `keep`: how to destroy the scratch droplet. */
  keptNote?: string;
}

export interface DrillResult {
  drillId: string;
  plan: string;
  passed: boolean;
  drills: DropletDrill[];
  /** Set when the drill could not start (an unknown droplet). */
  error?: string;
}

interface DrillRun {
  drillId: string;
  plan: Plan;
  settings: DrillSettings;
  request: DrillRequest;
  limits: DrillLimits;
}

/** Runs the drill of one droplet, or of each of the plan's droplets one after another. */
export async function runDrill(
  ctx: DurableSteps,
  deps: DrillDeps,
  config: LifeboatConfig,
  request: DrillRequest,
): Promise<DrillResult> {
  const plan = planNamed(config, request.plan);
  const start = await ctx.step("start", async () => {
    const at = now(deps);
    const drillId =
      request.runId ??
      executionName(
        plan.name,
        request.scheduledTime ?? new Date(at).toISOString(),
        request.scheduledTime ? "drill" : `drill-${request.trigger}`,
      );
    try {
      return { drillId, droplets: await dropletsToDrill(deps, plan, request), error: undefined };
    } catch (error) {
      return { drillId, droplets: [] as Droplet[], error: messageOf(error) };
    }
  });
  if (start.error !== undefined) {
    await emit(ctx, routineDeps(deps), "drill failed", {
      runId: start.drillId,
      plan: plan.name,
      droplet: request.droplet ?? "*",
      type: "drill.failed",
      snapshot: request.snapshot ?? "",
      checks: [],
      costUsd: 0,
      error: start.error,
      destroyed: true,
    });
    return { drillId: start.drillId, plan: plan.name, passed: false, drills: [], error: start.error };
  }
  const run: DrillRun = {
    drillId: start.drillId,
    plan,
    settings: plan.drill ?? DEFAULT_DRILL,
    request,
    limits: { ...DRILL_LIMITS, ...deps.limits },
  };
  const drills: DropletDrill[] = [];
  // One after another: each scratch droplet is billed while it lives, and a drill is no race.
  for (const droplet of start.droplets) {
    drills.push(await ctx.runInChildContext(droplet.name, (child) => drillDroplet(child, deps, run, droplet)));
  }
  return { drillId: run.drillId, plan: plan.name, passed: drills.every((d) => d.passed), drills };
}

/** The droplet named in the request (in the plan or not: its snapshots still bear the plan's name), else the plan's. */
async function dropletsToDrill(deps: DrillDeps, plan: Plan, request: DrillRequest): Promise<Droplet[]> {
  if (request.droplet !== undefined) return deps.api.findDroplets({ name: request.droplet });
  return planDroplets(deps.api, plan);
}

async function drillDroplet(
  ctx: DurableSteps,
  deps: DrillDeps,
  run: DrillRun,
  droplet: Droplet,
): Promise<DropletDrill> {
  const base = { runId: run.drillId, plan: run.plan.name, droplet: droplet.name };
  const events = routineDeps(deps);

  // 1. Choose the snapshot and the size (read-only calls; nothing is made yet).
  const choice = await ctx.step("choose snapshot and size", () => choose(deps, run, droplet));
  if ("refused" in choice) {
    await emit(ctx, events, "drill failed", {
      ...base,
      type: "drill.failed",
      snapshot: choice.snapshot ?? run.request.snapshot ?? "",
      checks: [],
      costUsd: 0,
      error: choice.refused,
      destroyed: true,
    });
    return {
      droplet: droplet.name,
      passed: false,
      ...(choice.snapshot ? { snapshot: choice.snapshot } : {}),
      checks: [],
      costUsd: 0,
      error: choice.refused,
      destroyed: true,
    };
  }
  const { snapshot, size } = choice;
  await emit(ctx, events, "drill started", {
    ...base,
    type: "drill.started",
    snapshot: snapshot.name,
    region: snapshot.region,
    sizeSlug: size.slug,
    hourlyPriceUsd: size.priceHourly,
    trigger: run.request.trigger,
    ...(run.request.requestedBy ? { requestedBy: run.request.requestedBy } : {}),
  });

  const checks: DrillCheckResult[] = [];
  let scratch: DropletDrill["scratch"];
  let createdAt: number | undefined;
  let error: string | undefined;
  let checksAt: number | undefined;
  let endedAt: number | undefined;
  let destroyed = false;
  let keptNote: string | undefined;
  try {
    // 2. The isolating firewall, before any drill droplet exists to need it.
    await ctx.step("isolate drill droplets", async () => {
      await deps.api.ensureTag(DRILL_TAG);
      const firewall = await deps.api.ensureFirewall(drillFirewall());
      if (firewall.tag !== DRILL_TAG || firewall.outboundTcpPorts.length > 0) {
        throw new Error(
          `firewall ${firewall.name} does not isolate drill droplets (tag ${firewall.tag}, outbound ports ${firewall.outboundTcpPorts.join(", ")})`,
        );
      }
      return firewall.id;
    });

    // 3. The scratch droplet, tagged from creation. The host key is made inside this step and
    // only its fingerprint is recorded: the private half exists in the create call alone.
    const created = await ctx.step(
      "create scratch droplet",
      async () => {
        const hostKey = await deps.shell.newHostKey();
        const userData = drillUserData(hostKey, await deps.shell.authorizedKey());
        const made = await deps.api.createDropletFromSnapshot({
          name: drillDropletName(droplet.name, run.drillId),
          snapshotId: snapshot.id,
          region: snapshot.region,
          sizeSlug: size.slug,
          tags: drillTags(run.plan.name, run.drillId),
          userData,
        });
        return {
          id: made.id,
          name: made.name,
          hostKey: hostKey.fingerprint,
          at: now(deps),
          ...(made.createActionId !== undefined ? { createActionId: made.createActionId } : {}),
        };
      },
      runOnce,
    );
    createdAt = created.at;
    scratch = { id: created.id, name: created.name, sizeSlug: size.slug, hourlyPriceUsd: size.priceHourly };

    // 4. Active, then SSH with the pinned host key; both bounded.
    const active = await pollUntil<{ status: string; address?: string }>(
      ctx,
      "wait for scratch droplet active",
      async () => {
        // While the create action runs, one call per look; an errored create is seen at once.
        if (created.createActionId !== undefined) {
          const action = await deps.api.getAction(created.createActionId);
          if (action.status === "errored") return { done: true, value: { status: "errored" } };
          if (action.status === "in-progress") return { done: false, value: { status: "new" } };
        }
        const d = await deps.api.getDroplet(created.id);
        return {
          done: d.status === "active",
          value: { status: d.status, ...(d.publicIpv4 ? { address: d.publicIpv4 } : {}) },
        };
      },
      {
        // A droplet from a snapshot takes a minute or more: the first look after that half minute.
        delay: (elapsed) => ({
          seconds: elapsed === 0 ? Math.max(run.limits.pollSeconds, 30) : run.limits.pollSeconds,
        }),
        giveUpSeconds: run.limits.activeSeconds,
      },
    );
    if (active.value?.status === "errored") {
      throw new Error(`DigitalOcean's create of scratch droplet ${created.name} ended errored; it never became active`);
    }
    if (!active.done || !active.value?.address) {
      throw new Error(
        active.done
          ? `scratch droplet ${created.name} is active but has no public IPv4 to reach it over`
          : `scratch droplet ${created.name} did not become active within ${run.limits.activeSeconds} s` +
              `${active.value ? ` (last status ${active.value.status})` : ""}${active.lastError ? `: ${active.lastError}` : ""}`,
      );
    }
    const access: ScratchAccess = { address: active.value.address, hostKey: created.hostKey };
    scratch.address = access.address;
    const ssh = await pollUntil<string>(
      ctx,
      "wait for scratch droplet ssh",
      async () => {
        const seen = await deps.shell.answers(access);
        return { done: seen.ok, value: seen.detail };
      },
      { delay: () => ({ seconds: run.limits.pollSeconds }), giveUpSeconds: run.limits.sshSeconds },
    );
    checks.push({
      name: "SSH with the drill's host key",
      passed: ssh.done,
      detail: ssh.done
        ? `${access.address} answered with ${access.hostKey}`
        : `no answer within ${run.limits.sshSeconds} s: ${ssh.value ?? ssh.lastError ?? "not reached"}`,
    });
    if (!ssh.done) throw new Error(`scratch droplet ${created.name} did not answer SSH with its pinned host key`);

    // 5. Checks. What ran at backup time comes from the latest complete archive run.
    const backup = await ctx.step("latest backup", async () => (await deps.backups?.latest(droplet.name)) ?? null);
    if (run.settings.restoreVolumes) {
      const volumes = backup?.volumes ?? [];
      checks.push(
        ...(volumes.length > 0
          ? await restoreVolumesIsolated(ctx, deps, {
              scratchDropletId: created.id,
              access,
              volumes,
              limits: run.limits,
            })
          : [
              { name: "volume restore", passed: false, detail: noBackup(droplet.name, backup, deps, "volume archive") },
            ]),
      );
    }
    const containers = backup?.containers ?? [];
    checks.push(
      ...(containers.length > 0
        ? await ctx.step("start containers", () => deps.shell.startContainers(access, containers), runOnce)
        : [{ name: "containers", passed: true, detail: noBackup(droplet.name, backup, deps, "container") }]),
    );
    if (run.settings.checks.length > 0) {
      const commands = run.settings.checks.map((c) => ({ command: c.command, timeoutSeconds: c.timeout.seconds }));
      checks.push(...(await ctx.step("run checks", () => deps.shell.runChecks(access, commands), runOnce)));
    }
    checksAt = await ctx.step("checks done", async () => now(deps));
  } catch (thrown) {
    error = messageOf(thrown);
  } finally {
    // 6. Always destroyed, unless kept: every droplet of this drill, found by its drill tag, so
    // one whose create answer was lost goes too.
    if (run.request.keep && scratch) {
      keptNote =
        `scratch droplet ${scratch.name} (id ${scratch.id}) is left running at $${size.priceHourly}/hour: ` +
        `destroy it with \`doctl compute droplet delete ${scratch.id}\`; the watchdog destroys it after ${run.settings.maxAge.text}`;
      endedAt = await ctx.step("kept", async () => now(deps));
    } else {
      try {
        endedAt = await ctx.step("destroy scratch droplet", async () => {
          const tagged = await deps.api.listDropletsByTag(drillIdTag(run.plan.name, run.drillId));
          const ids = new Set([...tagged.filter((d) => d.tags.includes(DRILL_TAG)).map((d) => d.id)]);
          if (scratch) ids.add(scratch.id);
          for (const id of ids) await deps.api.destroyDroplet(id);
          return now(deps);
        });
        destroyed = true;
      } catch (thrown) {
        error ??= `could not destroy the scratch droplet: ${messageOf(thrown)}; the watchdog destroys it after ${run.settings.maxAge.text}`;
      }
    }
  }

  const passed = error === undefined && checks.every((c) => c.passed);
  const failed = checks.filter((c) => !c.passed).map((c) => c.name);
  if (error === undefined && failed.length > 0) error = `failed: ${failed.join(", ")}`;
  const lived = createdAt !== undefined && endedAt !== undefined ? Math.max(0, endedAt - createdAt) / 3_600_000 : 0;
  const costUsd = Math.round(size.priceHourly * lived * 1e6) / 1e6;
  const restoreSeconds = passed && checksAt !== undefined ? Math.round((checksAt - choice.at) / 1000) : undefined;
  await emit(ctx, events, passed ? "drill passed" : "drill failed", {
    ...base,
    type: passed ? "drill.passed" : "drill.failed",
    snapshot: snapshot.name,
    checks,
    ...(restoreSeconds !== undefined ? { restoreSeconds } : {}),
    costUsd,
    ...(error !== undefined ? { error } : {}),
    destroyed,
  });
  return {
    droplet: droplet.name,
    passed,
    snapshot: snapshot.name,
    ...(scratch ? { scratch } : {}),
    checks,
    ...(restoreSeconds !== undefined ? { restoreSeconds } : {}),
    costUsd,
    ...(error !== undefined ? { error } : {}),
    destroyed,
    ...(keptNote ? { keptNote } : {}),
  };
}

type Choice =
  | { refused: string; snapshot?: string }
  | {
      at: number;
      snapshot: { id: string; name: string; region: string };
      size: { slug: string; priceHourly: number };
    };

/** Step 1: the snapshot, the account's room, the size. */
async function choose(deps: DrillDeps, run: DrillRun, droplet: Droplet): Promise<Choice> {
  const at = now(deps);
  const picked = chooseSnapshot(
    await deps.api.listDropletSnapshots(droplet.id),
    run.plan.name,
    droplet,
    run.request.snapshot,
  );
  if ("refused" in picked) return { refused: picked.refused };
  const snapshot = picked.snapshot;
  const region = snapshot.regions.includes(droplet.region) ? droplet.region : snapshot.regions[0];
  if (!region) return { refused: `snapshot ${snapshot.name} is in no region`, snapshot: snapshot.name };
  const account = await deps.api.getAccount();
  if (account.status !== "active" || account.dropletLimit < 1) {
    return {
      refused: `the DigitalOcean account cannot create a droplet (status ${account.status}, droplet limit ${account.dropletLimit}); nothing was created`,
      snapshot: snapshot.name,
    };
  }
  const droplets = await deps.api.countDroplets();
  if (droplets + 1 > account.dropletLimit) {
    return {
      refused: `the DigitalOcean account has ${droplets} droplets and may have ${account.dropletLimit}: a scratch droplet would be one too many; destroy a droplet you no longer need or ask DigitalOcean for a higher droplet limit; nothing was created`,
      snapshot: snapshot.name,
    };
  }
  const sized = chooseSize(await deps.api.listSizes(), {
    region,
    minDiskGb: snapshot.minDiskGb,
    ...(run.settings.size ? { slug: run.settings.size } : {}),
    ...(run.settings.maxHourlyPrice !== undefined ? { maxHourlyPrice: run.settings.maxHourlyPrice } : {}),
  });
  if ("refused" in sized) return { refused: sized.refused, snapshot: snapshot.name };
  return {
    at,
    snapshot: { id: snapshot.id, name: snapshot.name, region },
    size: { slug: sized.size.slug, priceHourly: sized.size.priceHourly },
  };
}

function noBackup(droplet: string, backup: unknown, deps: DrillDeps, what: string): string {
  if (!deps.backups) return `no archive store is wired, so no ${what} is known to check`;
  return backup
    ? `the latest archive run of ${droplet} lists no ${what}`
    : `${droplet} has no complete archive run, so no ${what} is known to check`;
}

const now = (deps: DrillDeps): number => (deps.now ?? Date.now)();

/** `emit` takes the routine's deps; a drill has the same events and clock. */
const routineDeps = (deps: DrillDeps): RoutineDeps => ({
  api: deps.api,
  events: deps.events,
  ...(deps.now ? { now: deps.now } : {}),
});
