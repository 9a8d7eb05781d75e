/**
 * `lifeboat retention <plan> [--simulate 6m]`: what the plan's policy keeps now and why — over
 * its real snapshots (per droplet; only lifeboat's own are ever released) and archive runs,
 * decided by core's retention use case as a dry run — and, simulated, over the coming months
 * on the plan's schedule. Changes nothing.
 */
import {
  parseSchedule,
  planNamed,
  type RetentionTargetName,
  type RetentionVerdict,
  runRetention,
  simulateRetention,
} from "@lifeboat/core";
import { archiveCatalog } from "@lifeboat/storage";
import { openStorage } from "../environment";
import { EXIT, writeJson } from "../output";
import { table } from "../table";
import { BadInput, type GlobalOptions, iso, planDroplets, withContext } from "./context";

/** "6m" → 6, "2y" → 24; undefined for anything else. */
export function parsePeriod(text: string): number | undefined {
  const m = /^(\d{1,3})(m|y)$/.exec(text.trim());
  if (!m) return undefined;
  const months = Number(m[1]) * (m[2] === "y" ? 12 : 1);
  return months > 0 && months <= 120 ? months : undefined;
}

export async function retentionCommand(name: string, options: GlobalOptions & { simulate?: string }) {
  const months = options.simulate === undefined ? undefined : parsePeriod(options.simulate);
  return withContext(
    options,
    async (ctx) => {
      const plan = planNamed(ctx.config, name, ctx.configPath);
      // Core's retention use case, as a dry run: the same verdicts and reasons `/lifeboat retention` shows.
      const inPlan = await planDroplets(ctx.env.api, plan);
      const report = await runRetention(
        { droplets: ctx.env.api, archives: archiveCatalog(openStorage(ctx.config)) },
        { plan, droplets: inPlan, targets: ["snapshots", "archives"], dryRun: true },
      );
      const droplets = inPlan.map(({ name: droplet }) => {
        const side = (target: RetentionTargetName) => {
          const verdicts = report.verdicts.filter((v) => v.droplet === droplet && v.target === target);
          const entry = (v: RetentionVerdict) => ({ name: v.name, at: iso(v.at), reasons: v.reasons });
          return {
            keep: verdicts.filter((v) => v.action === "keep").map(entry),
            release: verdicts.filter((v) => v.action === "delete").map(entry),
          };
        };
        return { droplet, snapshots: side("snapshots"), archives: side("archives") };
      });
      const schedule = parseSchedule(plan.schedule);
      const simulation =
        months !== undefined && !("error" in schedule)
          ? simulateRetention(plan.retention, schedule, new Date(ctx.env.time.now()), months)
          : undefined;

      if (options.json) {
        writeJson(process.stdout, {
          ok: true,
          plan: plan.name,
          policy: plan.retention,
          droplets,
          ...(simulation
            ? {
                simulation: {
                  months,
                  ...simulation,
                  kept: simulation.kept.map((k) => ({ at: iso(k.at), reasons: k.reasons })),
                },
              }
            : {}),
        });
        return EXIT.ok;
      }
      const p = plan.retention;
      ctx.say(
        `Plan ${plan.name}: keep last ${p.keepLast}, daily ${p.keepDaily}, weekly ${p.keepWeekly}, monthly ${p.keepMonthly}, yearly ${p.keepYearly} (lifeboat's own snapshots and archive runs only).`,
      );
      for (const d of droplets) {
        const rows = [
          ...d.snapshots.keep.map((k) => ["snapshot", k.name, "keep", k.reasons.join(", ")]),
          ...d.snapshots.release.map((r) => ["snapshot", r.name, "release", r.reasons.join(", ")]),
          ...d.archives.keep.map((k) => ["archive run", k.name, "keep", k.reasons.join(", ")]),
          ...d.archives.release.map((r) => ["archive run", r.name, "release", r.reasons.join(", ")]),
        ];
        ctx.say(`\n${d.droplet}:`);
        ctx.say(rows.length ? table(["kind", "name", "now", "why"], rows) : "  nothing lifeboat made yet");
      }
      if (simulation) {
        ctx.say(
          `\nSimulated ${months} month(s) on ${plan.schedule}: ${simulation.runs} runs, ${simulation.deleted} deleted, at most ${simulation.peak} kept at once; kept at the end:`,
        );
        ctx.say(
          table(
            ["taken", "why"],
            simulation.kept.map((k) => [iso(k.at), k.reasons.join(", ")]),
          ),
        );
      }
      return EXIT.ok;
    },
    (config, configPath) => {
      planNamed(config, name, configPath);
      if (options.simulate !== undefined && months === undefined) {
        throw new BadInput(`--simulate ${options.simulate}: expected months or years, e.g. 6m or 2y (at most 10y)`);
      }
    },
  );
}
