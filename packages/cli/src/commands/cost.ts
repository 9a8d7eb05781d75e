/**
 * `lifeboat cost`: per plan, the snapshots it keeps (GB × $0.06) and its archives in storage,
 * from core's `fleetCost` (the same use case as Slack's `/lifeboat cost`), and DO Backups per droplet.
 */
import { fleetCost, pricesFor } from "@lifeboat/core";
import { archiveCatalog } from "@lifeboat/storage";
import { openStorage } from "../environment";
import { EXIT, writeJson } from "../output";
import { table } from "../table";
import { type GlobalOptions, withContext } from "./context";
import { dropletBackupsLines } from "./cost-backups";

export async function costCommand(options: GlobalOptions) {
  return withContext(options, async (ctx) => {
    const ports = { droplets: ctx.env.api, archives: archiveCatalog(openStorage(ctx.config)) };
    const {
      storage: pricing,
      prices: _prices,
      ...cost
    } = await fleetCost(ports, ctx.config.plans, pricesFor(ctx.config.storage));
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
    for (const p of cost.plans) {
      // A snapshot copied to other regions (snapshot.copyTo) is billed once per region.
      if (p.copies) {
        ctx.say(`${p.plan}: ${p.copies} region copies, ${p.copyGb} GB, ${usd(p.copyUsd ?? 0)}/month (in total/mo)`);
      }
    }
    if (cost.baseUsd) ctx.say(`storage base charge: ${usd(cost.baseUsd)}/month`);
    for (const line of dropletBackupsLines(cost.dropletBackups)) ctx.say(line);
    ctx.say(`total: ${usd(cost.totalUsd)}/month (snapshots $0.06/GB-month; archives in ${pricing} storage)`);
    return EXIT.ok;
  });
}
