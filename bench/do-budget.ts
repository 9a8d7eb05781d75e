/**
 * API calls one full backup cycle costs per droplet, under DO's real rate limits (the sandbox's
 * 250 a minute and 5,000 an hour per token). Targets (issue #16): ≤ 10 calls per droplet on a
 * weekly run, ≤ 14 on a first run, and no 429.
 *
 * The routine (what production runs): one plan selecting 100 droplets by tag (24 GB used disk
 * each, so ~24 virtual minutes of snapshot), offline snapshot, no approval, retention keepLast 3,
 * `concurrency` 10, run to completion with runPlan in the durable test runner against the
 * sandbox, through a client set up like functions/backup-run.ts's. Twice: the first run (no
 * earlier snapshot: used disk and speed unknown) and the next week's run (size and speed learned
 * from the first run's snapshot). Calls per droplet are every DO request the sandbox saw during
 * the run (listing, tags, retention and 429s included) divided by the droplets. Concurrent
 * droplets share virtual time through ./support/droplet-time.ts.
 */
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import type { LifeboatConfigInput } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { makeWorld } from "../test/unit/routine/world";
import { DropletTime } from "./support/droplet-time";

const DROPLETS = 100;
const USED_GB = 24;
/** What a user with 100 droplets plausibly sets: 10 at a time is ~10 snapshot rounds, a night's window (2, the default, is a day). */
const CONCURRENCY = 10;
const TAG = "lifeboat-bench";
const TARGET = { weekly: 10, first: 14 };

interface RoutineRun {
  outcome: string | undefined;
  apiCalls: number;
  callsPerDroplet: number;
  rateLimited429: number;
  /** Seconds the client's rate budget held requests back. */
  budgetWaitSeconds: number;
  /** Most requests in any 60 s (DO allows 250). */
  peakPerMinute: number;
  /** Requests per droplet by DO operation. */
  byOperation: Record<string, number>;
  virtualWallMinutes: number;
  realSeconds: number;
  allActive: boolean;
  snapshotsMade: number;
  invocations: number;
}

const config = {
  plans: [
    {
      name: "weekly",
      schedule: "cron(0 3 ? * SUN *)",
      droplets: [{ tag: TAG }],
      concurrency: CONCURRENCY,
      snapshot: { mode: "offline", approval: { required: false } },
      retention: { keepLast: 3 },
    },
  ],
} as LifeboatConfigInput;

/**
 * The same plan with DigitalOcean Backups managed (weekly, Sunday 20:00 UTC: outside the runs'
 * downtime) and each snapshot copied to one more region: its own budget line, as the difference
 * from the plain plan (the first run enables Backups everywhere; the weekly run changes nothing).
 */
const withBackupsAndCopy = {
  plans: [
    {
      ...config.plans[0],
      snapshot: { ...config.plans[0]?.snapshot, copyTo: ["ams3"] },
      dropletBackups: { plan: "weekly", weekday: "SUN", hour: 20 },
    },
  ],
} as LifeboatConfigInput;

/** A first run and the next week's, with a fresh sandbox fleet of DROPLETS droplets. */
async function cycle(plans: LifeboatConfigInput): Promise<[RoutineRun, RoutineRun]> {
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
  try {
    let time: DropletTime | undefined;
    let budget: ReturnType<DropletTime["budget"]> | undefined;
    const world = await makeWorld({
      config: plans,
      // The deployed function's client (functions/backup-run.ts), on the droplets' shared time.
      wrapApi: (_api, sb) => {
        time = new DropletTime(sb);
        budget = time.budget();
        return new DigitalOceanClient({
          token: sb.token,
          endpoint: sb.url,
          clock: time.clock,
          budget,
          pendingEvent: { pollMs: 15_000, timeoutMs: 5 * 60_000 },
        });
      },
      wrapContext: (ctx) => (time as DropletTime).wrap(ctx),
    });
    const ids = Array.from(
      { length: DROPLETS },
      (_, i) => world.sandbox.addDroplet({ name: `bench-${i}`, diskGb: 50, usedDiskGb: USED_GB, tags: [TAG] }).id,
    );
    const measure = async (scheduledTime: string): Promise<RoutineRun> => {
      const before = world.sandbox.log.length;
      const snapshotsBefore = world.sandbox.state.snapshots.size;
      const invocationsBefore = world.invocations.count;
      const waitedBefore = budget?.waitedMs ?? 0;
      const since = world.sandbox.clock.now();
      const real = performance.now();
      const execution = await world.run({ scheduledTime });
      const invocations = world.invocations.count - invocationsBefore;
      // Waits here are plain sleeps: a replayed invocation would repeat them and their time.
      if (invocations !== 1) throw new Error(`the run took ${invocations} invocations; its time would be wrong`);
      const log = world.sandbox.log.slice(before);
      const byOperation: Record<string, number> = {};
      for (const r of log) byOperation[r.operationId ?? r.path] = (byOperation[r.operationId ?? r.path] ?? 0) + 1;
      for (const op of Object.keys(byOperation))
        byOperation[op] = Number(((byOperation[op] ?? 0) / DROPLETS).toFixed(2));
      let peakPerMinute = 0;
      for (let i = 0, j = 0; i < log.length; i++) {
        while ((log[j]?.at ?? 0) <= (log[i]?.at ?? 0) - 60_000) j++;
        peakPerMinute = Math.max(peakPerMinute, i - j + 1);
      }
      return {
        outcome: execution.getResult()?.outcome,
        apiCalls: log.length,
        callsPerDroplet: Number((log.length / DROPLETS).toFixed(2)),
        rateLimited429: log.filter((x) => x.status === 429).length,
        peakPerMinute,
        byOperation,
        budgetWaitSeconds: Math.round(((budget?.waitedMs ?? 0) - waitedBefore) / 1000),
        virtualWallMinutes: Number(((world.sandbox.clock.now() - since) / 60_000).toFixed(1)),
        realSeconds: Number(((performance.now() - real) / 1000).toFixed(2)),
        allActive: ids.every((id) => world.sandbox.droplet(id)?.status === "active"),
        snapshotsMade: world.sandbox.state.snapshots.size - snapshotsBefore,
        invocations,
      };
    };

    const first = await measure("2026-01-04T03:00:00Z");
    world.sandbox.advance(Date.parse("2026-01-11T03:00:00Z") - world.sandbox.clock.now());
    const weekly = await measure("2026-01-11T03:00:00Z");
    await world.close();
    return [first, weekly];
  } finally {
    await LocalDurableTestRunner.teardownTestEnvironment();
  }
}

const [first, weekly] = await cycle(config);
const [firstExtra, weeklyExtra] = await cycle(withBackupsAndCopy);
/** Calls per droplet the Backups reconciliation and one copy region add to a run. */
const added = (r: RoutineRun, base: RoutineRun) => Number((r.callsPerDroplet - base.callsPerDroplet).toFixed(2));
const addedByOperation = (r: RoutineRun, base: RoutineRun) =>
  Object.fromEntries(
    Object.entries(r.byOperation)
      .map(([op, n]) => [op, Number((n - (base.byOperation[op] ?? 0)).toFixed(2))] as const)
      .filter(([, n]) => n !== 0),
  );

const routineLine = (label: string, r: RoutineRun, target: number) =>
  `  ${label}  ${r.apiCalls} API calls (${r.callsPerDroplet} per droplet; target ≤ ${target}), 429s ${r.rateLimited429}, ` +
  `peak ${r.peakPerMinute}/min, budget held ${r.budgetWaitSeconds} s, outcome ${r.outcome}, all active ${r.allActive}, ` +
  `${r.snapshotsMade} snapshots, virtual ${r.virtualWallMinutes} min (real ${r.realSeconds} s)\n` +
  `      per droplet: ${Object.entries(r.byOperation)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ")}`;
console.log(
  `The routine (production: runPlan → backupDroplet), ${DROPLETS} droplets by tag, ${USED_GB} GB used, concurrency ${CONCURRENCY}, offline, no approval`,
);
console.log(routineLine("first run (size and speed unknown)       ", first, TARGET.first));
console.log(routineLine("weekly run (speed learned from the first)", weekly, TARGET.weekly));
const extraLine = (label: string, r: RoutineRun, base: RoutineRun) =>
  `  ${label}  +${added(r, base)} per droplet (${r.callsPerDroplet} in all), 429s ${r.rateLimited429}, outcome ${r.outcome}, ` +
  `all active ${r.allActive}: ${Object.entries(addedByOperation(r, base))
    .map(([op, n]) => `${op} ${n > 0 ? "+" : ""}${n}`)
    .join(", ")}`;
console.log("With DO Backups managed (weekly) and a copy to one more region, what they add:");
console.log(extraLine("first run (enables Backups everywhere)   ", firstExtra, first));
console.log(extraLine("weekly run (Backups already as wanted)   ", weeklyExtra, weekly));
console.log(
  JSON.stringify({
    routineDroplets: DROPLETS,
    routineConcurrency: CONCURRENCY,
    routineFirstRunCallsPerDroplet: first.callsPerDroplet,
    routineFirstRunApiCalls: first.apiCalls,
    routineFirstRunRateLimited429: first.rateLimited429,
    routineFirstRunAllActive: first.allActive,
    routineFirstRunOutcome: first.outcome,
    routineFirstRunVirtualWallMinutes: first.virtualWallMinutes,
    routineFirstRunPeakPerMinute: first.peakPerMinute,
    routineFirstRunTargetCallsPerDroplet: TARGET.first,
    routineFirstRunByOperation: first.byOperation,
    routineCallsPerDroplet: weekly.callsPerDroplet,
    routineApiCalls: weekly.apiCalls,
    routineRateLimited429: weekly.rateLimited429,
    routineAllActive: weekly.allActive,
    routineOutcome: weekly.outcome,
    routineVirtualWallMinutes: weekly.virtualWallMinutes,
    routinePeakPerMinute: weekly.peakPerMinute,
    routineTargetCallsPerDroplet: TARGET.weekly,
    routineByOperation: weekly.byOperation,
    routineRealSeconds: Number((first.realSeconds + weekly.realSeconds).toFixed(2)),
    backupsAndCopyFirstRunAddedPerDroplet: added(firstExtra, first),
    backupsAndCopyWeeklyAddedPerDroplet: added(weeklyExtra, weekly),
    backupsAndCopyFirstRunAddedByOperation: addedByOperation(firstExtra, first),
    backupsAndCopyWeeklyAddedByOperation: addedByOperation(weeklyExtra, weekly),
    backupsAndCopyRateLimited429: firstExtra.rateLimited429 + weeklyExtra.rateLimited429,
    backupsAndCopyOutcomes: [firstExtra.outcome, weeklyExtra.outcome],
  }),
);
