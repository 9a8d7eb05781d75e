/**
 * Downtime of one offline snapshot run: one droplet with 25 GB used (a previous lifeboat
 * snapshot of 25 GB tells the routine so), snapshot speed 50, 59 and 70 s/GB (~21–29 min),
 * measured on a weekly run that learned the droplet's speed from last week's run, and on the
 * first run (no speed known yet),
 * run end to end by the durable test runner against the sandbox on virtual time.
 * Prints the API calls of the whole run (tags and retention included), the downtime (status
 * off → active, from the sandbox's own action times) and the overhead: downtime minus the
 * sandbox's snapshot and power_on durations, i.e. the time lost to polling.
 */
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { snapshotName } from "@lifeboat/core";
import { makeWorld, type World } from "../test/unit/routine/world";

const speeds = [50, 59, 70];
const usedGb = 25;
const week = 7 * 86_400_000;
type Row = { secondsPerGb: number; apiCalls: number; downtimeSeconds: number; overheadSeconds: number };
const firstRuns: Row[] = [];
const rows: Row[] = [];

/** One scheduled run; its calls, downtime and overhead from the sandbox's own log and action times. */
async function measure(world: World, dropletId: number, secondsPerGb: number, scheduledTime: string): Promise<Row> {
  const before = world.sandbox.log.length;
  const since = world.sandbox.clock.now();
  const execution = await world.run({ scheduledTime });
  if (execution.getResult()?.outcome !== "succeeded") throw new Error(`run did not succeed at ${secondsPerGb} s/GB`);
  const actions = [...world.sandbox.state.actions.values()].filter(
    (a) => a.dropletId === dropletId && a.startedAt >= since,
  );
  const of = (type: string) => actions.find((a) => a.type === type && a.status === "completed");
  const off = of("power_off") ?? of("shutdown");
  const snapshot = of("snapshot");
  const on = of("power_on");
  if (!off || !snapshot || !on) throw new Error("missing action in the sandbox");
  const downtime = (on.endsAt - off.endsAt) / 1000;
  const own = (snapshot.endsAt - snapshot.startedAt + on.endsAt - on.startedAt) / 1000;
  return {
    secondsPerGb,
    apiCalls: world.sandbox.log.length - before,
    downtimeSeconds: Math.round(downtime),
    overheadSeconds: Math.round(downtime - own),
  };
}

await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
try {
  for (const secondsPerGb of speeds) {
    const world = await makeWorld({ timings: { snapshotMsPerGb: secondsPerGb * 1000 } });
    const droplet = world.sandbox.addDroplet({ name: "gitlab", diskGb: 50, usedDiskGb: usedGb });
    // Earlier lifeboat snapshots (made before the sandbox's history starts: sizes, no actions).
    for (let w = 3; w >= 1; w--) {
      const at = world.sandbox.clock.now() - w * week;
      world.sandbox.state.addSnapshot(droplet.id, snapshotName("weekly", "gitlab", new Date(at)), at);
    }
    // This week's run knows the size but not the speed; next week's run learns the speed from it.
    firstRuns.push(await measure(world, droplet.id, secondsPerGb, "2026-01-04T03:00:00Z"));
    world.sandbox.advance(week - (world.sandbox.clock.now() - Date.parse("2026-01-04T03:00:00Z")));
    rows.push(await measure(world, droplet.id, secondsPerGb, "2026-01-11T03:00:00Z"));
    await world.close();
  }
} finally {
  await LocalDurableTestRunner.teardownTestEnvironment();
}

console.log(`downtime of one offline snapshot run, ${usedGb} GB used (targets: ≤ 16 calls, overhead ≤ 30 s)`);
const line = (r: Row) =>
  `  ${r.secondsPerGb} s/GB: ${r.apiCalls} API calls, downtime ${r.downtimeSeconds} s, overhead ${r.overheadSeconds} s`;
console.log("a weekly run (speed learned from last week's snapshot):");
for (const r of rows) console.log(line(r));
console.log("the first run on a droplet (size known, speed not yet: dense polling over 50–72 s/GB):");
for (const r of firstRuns) console.log(line(r));
console.log(
  JSON.stringify({
    usedGb,
    runs: rows,
    maxApiCalls: Math.max(...rows.map((r) => r.apiCalls)),
    maxOverheadSeconds: Math.max(...rows.map((r) => r.overheadSeconds)),
    firstRuns,
    firstRunMaxApiCalls: Math.max(...firstRuns.map((r) => r.apiCalls)),
  }),
);
