import { describePlan } from "@lifeboat/core";
import { loadConfig } from "../load-config";
import { EXIT, printProblems, writeJson } from "../output";

/** `lifeboat plan`: each plan's schedule, its next runs, and what a run will do. */
export async function planCommand(options: { config: string; json: boolean; now?: Date }): Promise<number> {
  const loaded = await loadConfig(options.config);
  if (!loaded.ok) {
    printProblems(loaded.path, loaded.problems, options.json);
    return EXIT.badInput;
  }
  const now = options.now ?? new Date();
  const summaries = loaded.config.plans.map((plan) => describePlan(plan, now));
  if (options.json) {
    writeJson(process.stdout, { ok: true, config: loaded.path, plans: summaries });
    return EXIT.ok;
  }
  process.stdout.write(`${loaded.path}: ${summaries.length} plan(s), valid\n`);
  for (const s of summaries) {
    process.stdout.write(`\nplan ${s.name}  ${s.schedule} in ${s.timezone}\n`);
    // Each run in the plan's zone, then in UTC (once, for a UTC plan).
    const runs = s.nextRuns.map((run, i) => {
      const utc = run.toISOString().replace(".000Z", "Z");
      return s.timezone === "UTC" ? utc : `${s.nextRunsInZone[i]} = ${utc}`;
    });
    process.stdout.write(`  next runs: ${runs.join(", ")}\n`);
    for (const [i, step] of s.steps.entries()) process.stdout.write(`  ${i + 1}. ${step}\n`);
  }
  return EXIT.ok;
}
