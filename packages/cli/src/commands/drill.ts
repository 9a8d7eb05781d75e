/**
 * `lifeboat drill <droplet> [--plan P] [--snapshot NAME] [--keep]`: a restore drill — the same
 * `runDrill` the deployed function runs — in this process: the latest lifeboat snapshot booted
 * on an isolated scratch droplet, checked over SSH, destroyed (unless --keep). Prints each
 * check, the restore time and the cost; exit 0 when every check passed, 1 when one did not.
 */
import { userInfo } from "node:os";
import {
  type DrillResult,
  findPlan,
  type LifeboatConfig,
  type Plan,
  planDroplets,
  runDrill,
  unknownPlanMessage,
} from "@lifeboat/core";
import { drillShell } from "@lifeboat/remote";
import { drillBackups } from "@lifeboat/storage";
import { openStorage } from "../environment";
import { EXIT, writeJson } from "../output";
import { LocalSteps } from "../run/local-steps";
import { human } from "../table";
import { BadInput, type CommandContext, type GlobalOptions, withContext } from "./context";
import { sshPrivateKey } from "./droplet-session";

export interface DrillCommandOptions extends GlobalOptions {
  plan?: string;
  snapshot?: string;
  keep?: boolean;
}

export function drillCommand(droplet: string, options: DrillCommandOptions): Promise<number> {
  return withContext(options, async (ctx) => {
    const plan = await planOf(ctx, droplet, options.plan);
    const steps = new LocalSteps(ctx.env.time);
    const storage = openStorage(ctx.config);
    const result = await runDrill(
      steps,
      {
        api: ctx.env.api,
        events: { emit: async () => undefined },
        shell: drillShell({
          privateKey: sshPrivateKey,
          username: ctx.config.ssh.user,
          port: ctx.config.ssh.port,
          helperImage: plan.volumes.helperImage,
          // S3 or Spaces: the scratch droplet downloads each archive itself. A local directory
          // has no URL it could reach, so only then does an archive come over SSH from here.
          ...(ctx.config.storage.type === "local" ? { localArchive: (key: string) => storage.get(key) } : {}),
        }),
        backups: drillBackups(storage),
        now: () => ctx.env.time.now(),
      },
      ctx.config,
      {
        kind: "drill",
        plan: plan.name,
        droplet,
        ...(options.snapshot ? { snapshot: options.snapshot } : {}),
        ...(options.keep ? { keep: true } : {}),
        trigger: "cli",
        requestedBy: `cli:${safeUser()}`,
      },
    );
    if (options.json) writeJson(process.stdout, { ok: result.passed, ...result });
    else for (const line of drillReport(result)) ctx.say(line);
    return result.passed ? EXIT.ok : EXIT.failed;
  });
}

/** The plan named, else the plan that backs the droplet up (one with a drill section first). */
async function planOf(ctx: CommandContext, droplet: string, named: string | undefined): Promise<Plan> {
  if (named !== undefined) {
    const plan = findPlan(ctx.config, named);
    if (!plan) throw new BadInput(unknownPlanMessage(ctx.config, named, ctx.configPath));
    return plan;
  }
  const backing: Plan[] = [];
  for (const plan of ctx.config.plans) {
    if ((await planDroplets(ctx.env.api, plan)).some((d) => d.name === droplet)) backing.push(plan);
  }
  const plan = backing.find((p) => p.drill) ?? backing[0];
  if (!plan) throw new BadInput(noPlanMessage(ctx.config, droplet, ctx.configPath));
  return plan;
}

const noPlanMessage = (config: LifeboatConfig, droplet: string, path: string) =>
  `${droplet} is in no plan of ${path}; pass --plan with the plan whose snapshots it has (plans: ${config.plans.map((p) => p.name).join(", ")})`;

/** The text report: per droplet, each check passed or failed with why, the restore time and the cost. */
export function drillReport(result: DrillResult): string[] {
  const lines: string[] = [];
  if (result.error) lines.push(`Drill ${result.drillId} could not start: ${result.error}`);
  for (const d of result.drills) {
    lines.push(`Drill of ${d.droplet}${d.snapshot ? ` from ${d.snapshot}` : ""}: ${d.passed ? "PASSED" : "FAILED"}`);
    for (const c of d.checks) lines.push(`  ${c.passed ? "passed" : "FAILED"}  ${c.name}: ${c.detail}`);
    if (d.error && !d.passed) lines.push(`  ${d.error}`);
    if (d.restoreSeconds !== undefined) {
      lines.push(`  Restore time (snapshot chosen → active → checks passed): ${human(d.restoreSeconds)}`);
    }
    if (d.scratch) {
      lines.push(`  Cost: $${d.costUsd.toFixed(4)} (${d.scratch.sizeSlug} at $${d.scratch.hourlyPriceUsd}/hour)`);
    }
    lines.push(d.keptNote ? `  ${d.keptNote}` : d.destroyed ? "  The scratch droplet is destroyed." : "");
  }
  return lines.filter(Boolean);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
