/**
 * The plan's opt-in `verify` step at the end of a run (`plans[].verify: { readData, duplicityPath }`):
 * after the droplets, each droplet's stored backups are checked as `lifeboat verify` checks them, a
 * durable step for its listing and then one per archive read back (a replay reads none again that
 * finished), with one seed for the run; with
 * `duplicityPath`, `duplicity verify` of it runs on the droplet as a job (./duplicity-verify-step.ts),
 * both through ./verify-droplet-steps.ts, as a requested verify does.
 * A check that cannot run (the store or the droplet unreachable) is a broken finding, never a
 * failed run: the backup itself is done and reported by its own outcome.
 */
import type { Plan } from "../config/schema";
import type { Droplet } from "../ports/digitalocean";
import { type VerifyFinding, type VerifyReport, verifyReport } from "../verify/report";
import { seedFrom } from "../verify/sample";
import { nowOf, type RoutineDeps } from "./deps";
import type { DurableSteps } from "./durable";
import { verifyDropletSteps } from "./verify-droplet-steps";

/**
 * The verify report, or undefined when the plan has no `verify`, it is a dry run (nothing runs), or
 * neither a store nor a duplicity path to check is there.
 */
export async function verifyStep(
  ctx: DurableSteps,
  deps: RoutineDeps,
  plan: Plan,
  droplets: readonly Droplet[],
  dryRun: boolean,
  runId = "verify",
): Promise<VerifyReport | undefined> {
  const store = deps.verifyStore;
  const duplicityPath = plan.duplicity ? plan.verify?.duplicityPath : undefined;
  if (!plan.verify || dryRun || (!store && duplicityPath === undefined)) return undefined;
  const readData = plan.verify.readData;
  const seed = await ctx.step("verify seed", async () => seedFrom(Math.random()));
  const findings: VerifyFinding[] = [];
  const stepDeps = {
    api: deps.api,
    ...(store ? { store } : {}),
    ...(deps.hosts ? { hosts: deps.hosts } : {}),
    now: () => nowOf(deps),
  };
  for (const droplet of droplets) {
    findings.push(...(await verifyDropletSteps(ctx, stepDeps, droplet, [plan], { readData, seed, runId })));
  }
  return verifyReport(findings, seed, readData);
}
