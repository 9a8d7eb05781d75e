/**
 * Downtime of one offline snapshot run: one droplet with 25 GB used (a previous lifeboat
 * snapshot of 25 GB tells the routine so), snapshot speed 50, 59 and 70 s/GB (~21–29 min),
 * run end to end by the durable test runner against the sandbox on virtual time.
 * Prints the API calls of the whole run (tags and retention included), the downtime (status
 * off → active, from the sandbox's own action times) and the overhead: downtime minus the
 * sandbox's snapshot and power_on durations, i.e. the time lost to polling.
 */
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { makeWorld } from "../test/unit/routine/world";

const speeds = [50, 59, 70];
const usedGb = 25;
const rows: Array<{ secondsPerGb: number; apiCalls: number; downtimeSeconds: number; overheadSeconds: number }> = [];

await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
try {
  for (const secondsPerGb of speeds) {
    const world = await makeWorld({ timings: { snapshotMsPerGb: secondsPerGb * 1000 } });
    const droplet = world.sandbox.addDroplet({ name: "gitlab", diskGb: 50, usedDiskGb: usedGb });
    const week = 7 * 86_400_000;
    for (let w = 3; w >= 1; w--) {
      const at = world.sandbox.clock.now() - w * week;
      const stamp = new Date(at)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d+Z$/, "Z");
      world.sandbox.state.addSnapshot(droplet.id, `lifeboat-weekly-gitlab-${stamp}`, at);
    }
    const before = world.sandbox.log.length;
    const execution = await world.run();
    if (execution.getResult()?.outcome !== "succeeded") throw new Error(`run did not succeed at ${secondsPerGb} s/GB`);
    const actions = [...world.sandbox.state.actions.values()].filter((a) => a.dropletId === droplet.id);
    const of = (type: string) => actions.find((a) => a.type === type && a.status === "completed");
    const off = of("power_off") ?? of("shutdown");
    const snapshot = of("snapshot");
    const on = of("power_on");
    if (!off || !snapshot || !on) throw new Error("missing action in the sandbox");
    const downtime = (on.endsAt - off.endsAt) / 1000;
    const own = (snapshot.endsAt - snapshot.startedAt + on.endsAt - on.startedAt) / 1000;
    rows.push({
      secondsPerGb,
      apiCalls: world.sandbox.log.length - before,
      downtimeSeconds: Math.round(downtime),
      overheadSeconds: Math.round(downtime - own),
    });
    await world.close();
  }
} finally {
  await LocalDurableTestRunner.teardownTestEnvironment();
}

console.log(`downtime of one offline snapshot run, ${usedGb} GB used (targets: ≤ 16 calls, overhead ≤ 30 s)`);
for (const r of rows) {
  console.log(
    `  ${r.secondsPerGb} s/GB: ${r.apiCalls} API calls, downtime ${r.downtimeSeconds} s, overhead ${r.overheadSeconds} s`,
  );
}
console.log(
  JSON.stringify({
    usedGb,
    runs: rows,
    maxApiCalls: Math.max(...rows.map((r) => r.apiCalls)),
    maxOverheadSeconds: Math.max(...rows.map((r) => r.overheadSeconds)),
  }),
);
