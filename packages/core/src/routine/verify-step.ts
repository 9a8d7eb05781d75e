/**
 * The plan's opt-in `verify` step at the end of a run (`plans[].verify: { readData }`): after
 * the droplets, each droplet's stored backups are checked as `lifeboat verify` checks them, one
 * durable step per droplet (a replay does not read again), with one seed for the run. A check
 * that cannot run (the store unreachable) is a broken finding, never a failed run: the backup
 * itself is done and reported by its own outcome.
 */
import type { Plan } from "../config/schema";
import type { Droplet } from "../ports/digitalocean";
import { type VerifyFinding, type VerifyReport, verifyReport } from "../verify/report";
import { seedFrom } from "../verify/sample";
import { verifyDroplet } from "../verify/verify-droplet";
import { messageOf, nowOf, type RoutineDeps } from "./deps";
import type { DurableSteps } from "./durable";

/** The verify report, or undefined when the plan has no `verify`, it is a dry run, or no store is wired. */
export async function verifyStep(
  ctx: DurableSteps,
  deps: RoutineDeps,
  plan: Plan,
  droplets: readonly Droplet[],
  dryRun: boolean,
): Promise<VerifyReport | undefined> {
  const store = deps.verifyStore;
  if (!plan.verify || dryRun || !store) return undefined;
  const readData = plan.verify.readData;
  const seed = await ctx.step("verify seed", async () => seedFrom(Math.random()));
  const findings: VerifyFinding[] = [];
  for (const droplet of droplets) {
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
  return verifyReport(findings, seed, readData);
}
