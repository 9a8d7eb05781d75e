/**
 * `lifeboat cost`: per plan, the snapshots it keeps (GB × $0.06) and its archives in storage,
 * priced by core's `monthlyCost`.
 */
import { monthlyCost, ownSnapshots, type PlanUsage, PRICES, pricesFor } from "@lifeboat/core";
import { listRuns } from "@lifeboat/storage";
import { openStorage } from "../environment";
import { EXIT, writeJson } from "../output";
import { table } from "../table";
import { type GlobalOptions, planDroplets, withContext } from "./context";

export async function costCommand(options: GlobalOptions) {
  return withContext(options, async (ctx) => {
    const sink = openStorage(ctx.config);
    const usage: PlanUsage[] = [];
    for (const plan of ctx.config.plans) {
      const u: PlanUsage = { plan: plan.name, snapshotGb: [], archiveBytes: 0 };
      for (const d of await planDroplets(ctx.env.api, plan)) {
        u.snapshotGb.push(
          ...ownSnapshots(await ctx.env.api.listDropletSnapshots(d.id), plan.name, d).map((s) => s.sizeGb),
        );
        for (const r of (await listRuns(sink, d.name)).runs)
          if (r.manifest.plan === plan.name) u.archiveBytes += r.bytes;
      }
      usage.push(u);
    }
    const pricing = pricesFor(ctx.config.storage);
    const cost = monthlyCost(usage, PRICES[pricing]);
    if (options.json) {
      writeJson(process.stdout, { ok: true, storage: pricing, ...cost });
      return EXIT.ok;
    }
    const usd = (n: number) => `$${n.toFixed(2)}`;
    ctx.say(
      table(
        ["plan", "snapshots", "snapshot GB", "snapshots/mo", "archive GB", "archives/mo", "total/mo"],
        cost.plans.map((p) => [
          p.plan,
          String(p.snapshots),
          String(p.snapshotGb),
          usd(p.snapshotUsd),
          String(p.archiveGb),
          usd(p.archiveUsd),
          usd(p.totalUsd),
        ]),
      ),
    );
    if (cost.baseUsd) ctx.say(`storage base charge: ${usd(cost.baseUsd)}/month`);
    ctx.say(`total: ${usd(cost.totalUsd)}/month (snapshots $0.06/GB-month; archives in ${pricing} storage)`);
    return EXIT.ok;
  });
}
