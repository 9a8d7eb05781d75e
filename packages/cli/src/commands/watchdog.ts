/**
 * `lifeboat watchdog [--once]`: the watchdog's round (packages/core/src/watchdog.ts, the same
 * one the Lambda runs every 5 minutes) from this machine, against whatever the CLI talks to:
 * powers on droplets lifeboat left off past their plan's maxDowntime, untags them, and clears
 * expired droplet claims. For when the run that powered a droplet off died with its machine
 * (`kill -9`, a closed laptop) and no deployed watchdog watches this endpoint. It also destroys
 * restore-drill droplets (tagged `lifeboat-drill`) older than their plan's `drill.maxAge`.
 * Without --once it runs a round every 5 minutes until Ctrl-C.
 */
import { type LifeboatEvent, type WatchdogReport, watchdogRound } from "@lifeboat/core";
import { EXIT, writeJson } from "../output";
import { type CommandContext, type GlobalOptions, iso, withContext } from "./context";

/** The Lambda's schedule (stacks/): one round every 5 minutes. */
export const WATCHDOG_EVERY_MS = 5 * 60_000;

export async function watchdogCommand(options: GlobalOptions & { once: boolean }): Promise<number> {
  return withContext(options, async (ctx) => {
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const onSignal = () => stop();
    if (!options.once) {
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      ctx.say("A round every 5 minutes; Ctrl-C stops.");
    }
    try {
      let failed = false;
      for (;;) {
        const report = await round(ctx, options.json);
        failed = report.pending.length > 0;
        if (options.once) break;
        const next = Promise.race([
          ctx.env.time.sleep(WATCHDOG_EVERY_MS).then(() => "next"),
          stopped.then(() => "stop"),
        ]);
        if ((await next) === "stop") break;
      }
      return failed ? EXIT.failed : EXIT.ok;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}

async function round(ctx: CommandContext, json: boolean): Promise<WatchdogReport> {
  const events: LifeboatEvent[] = [];
  const now = () => ctx.env.time.now();
  const report = await watchdogRound(ctx.config, {
    api: ctx.env.api,
    events: { emit: async (e) => void events.push(e) },
    now,
    sleep: (ms) => ctx.env.time.sleep(ms),
  });
  if (json) {
    writeJson(process.stdout, { ok: report.pending.length === 0, at: iso(new Date(now())), ...report, events });
    return report;
  }
  ctx.say(`Watchdog round at ${iso(new Date(now()))}:`);
  for (const m of report.marked) {
    if (!m.lifeboats) {
      ctx.say(`  ${m.droplet}: off, ${m.datedBy}: left alone`);
      continue;
    }
    const overdue = m.offSinceSeconds > m.maxDowntimeSeconds;
    ctx.say(
      `  ${m.droplet}: off for ${m.offSinceSeconds}s of its ${m.maxDowntimeSeconds}s budget${overdue ? "" : " (within budget: left alone)"}; dated by ${m.datedBy}`,
    );
  }
  for (const d of report.recovered) ctx.say(`  ${d}: powered on`);
  for (const c of report.cleared) ctx.say(`  cleared expired claim ${c}`);
  for (const d of report.drills) {
    const stale = d.ageSeconds > d.maxAgeSeconds;
    ctx.say(
      `  drill droplet ${d.droplet}: ${d.ageSeconds}s old of its ${d.maxAgeSeconds}s limit${stale ? "" : " (young: left alone)"}`,
    );
  }
  for (const d of report.drillsDestroyed) ctx.say(`  ${d}: destroyed (a drill droplet past its limit)`);
  for (const f of report.drillEgressClosed) ctx.say(`  firewall ${f}: deleted (outbound traffic a drill left open)`);
  for (const p of report.pending) ctx.say(`  not done yet (the next round tries again): ${p}`);
  if (report.marked.length + report.cleared.length + report.pending.length + report.drills.length === 0) {
    ctx.say("  nothing to do: no droplet lifeboat powered off, no expired claim, and no drill droplet");
  }
  return report;
}
