/**
 * The plan's opt-in `verify` step at the end of a run (`plans[].verify: { readData, duplicityPath }`):
 * after the droplets, each droplet's stored backups are checked as `lifeboat verify` checks them, one
 * durable step per droplet (a replay does not read again), with one seed for the run; with
 * `duplicityPath`, `duplicity verify` of it runs on the droplet as a job (./duplicity-verify-step.ts).
 * A check that cannot run (the store or the droplet unreachable) is a broken finding, never a
 * failed run: the backup itself is done and reported by its own outcome.
 */
import type { Plan } from "../config/schema";
import type { Droplet } from "../ports/digitalocean";
import { type VerifyFinding, type VerifyReport, verifyReport } from "../verify/report";
import { seedFrom } from "../verify/sample";
import { verifyDroplet } from "../verify/verify-droplet";
import { messageOf, nowOf, type RoutineDeps } from "./deps";
import { followDuplicityVerify } from "./duplicity-verify-step";
import type { DurableSteps } from "./durable";
import { type DropletHost, noHostReason } from "./host";

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
  for (const droplet of droplets) {
    if (store) {
      const found = await ctx
        .step(`verify ${droplet.name}`, () =>
          verifyDroplet({ api: deps.api, store, now: nowOf(deps) }, droplet, [plan], { readData, seed, prune: false }),
        )
        .catch((error): VerifyFinding[] => [
          {
            droplet: droplet.name,
            check: "manifest",
            item: "store",
            ok: false,
            detail: `could not verify: ${messageOf(error)}`,
          },
        ]);
      findings.push(...found);
    }
    if (duplicityPath !== undefined) {
      const host = hostOf(deps, droplet, { runId, plan, dryRun: false });
      const found = await followDuplicityVerify(ctx, { plan, droplet: droplet.name, host, now: () => nowOf(deps) });
      if (found) findings.push(found);
    }
  }
  return verifyReport(findings, seed, readData);
}

/** The droplet's host for the duplicity verify, or why there is none, in words. */
function hostOf(
  deps: RoutineDeps,
  droplet: Droplet,
  run: { runId: string; plan: Plan; dryRun: false },
): DropletHost | string {
  const given = deps.hosts?.(droplet, run);
  if (given && !("skipped" in given)) return given;
  return `${droplet.name} is not reachable over SSH: ${noHostReason(given, deps.hosts !== undefined, droplet.name)}`;
}
