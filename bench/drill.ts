/**
 * What one restore drill costs on the DigitalOcean side (issue #15): the API calls it makes,
 * and how long it keeps a user waiting beyond DigitalOcean's own create time.
 *
 * `runDrill` (what production runs) against the sandbox, through a client set up like
 * functions/backup-run.ts's, on the CLI's in-process DurableSteps with virtual time: one drill
 * of a droplet with a 20 GB snapshot (the sandbox creates it in 40 s + 3 s/GB = 100 s).
 * The SSH side answers at once and passes (a stub DrillShell): this measures the orchestration,
 * not the checks, whose time is the user's own commands.
 *   - drillApiCalls: every request the sandbox saw, from the drill's start to its end;
 *   - drillOverheadSeconds: snapshot chosen → checks passed (the restore time the drill reports),
 *     minus the sandbox's create time — the lag of polling for `active` and SSH — plus the real
 *     seconds the run took (HTTP round trips, JSON).
 * Then the verify half (./support/verify-read.ts): `verify --read-data=1` over 1 GB of archives
 * beside `sha256sum` of the same objects (verifyMBps, sha256sumMBps, verifyRatio).
 */
import { type DrillShell, runDrill, snapshotName, validateConfig } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { startSandbox } from "@lifeboat/sandbox";
import { LocalSteps } from "../packages/cli/src/run/local-steps";
import type { TimeBase } from "../packages/cli/src/run/time-base";
import { measureVerifyRead } from "./support/verify-read";

const USED_GB = 20;
const START = Date.parse("2026-01-12T05:00:00Z");

const sandbox = await startSandbox({ startAt: START });
let drillFigures: Record<string, unknown>;
try {
  const gitlab = sandbox.addDroplet({ name: "gitlab", diskGb: 25, usedDiskGb: USED_GB, region: "fra1" });
  sandbox.state.addSnapshot(gitlab.id, snapshotName("weekly", "gitlab", new Date(START - 86_400_000)));
  const createSeconds = (sandbox.state.timings.createMs + USED_GB * sandbox.state.timings.createMsPerGb) / 1000;
  const api = new DigitalOceanClient({
    token: sandbox.token,
    endpoint: sandbox.url,
    clock: sandbox.clock,
    pendingEvent: { pollMs: 15_000, timeoutMs: 5 * 60_000 },
  });
  const time: TimeBase = {
    now: () => sandbox.clock.now(),
    speed: 1,
    realMs: (ms) => {
      sandbox.advance(ms);
      return 0;
    },
    sleep: async (ms) => sandbox.advance(ms),
  };
  const shell: DrillShell = {
    newHostKey: async () => ({
      privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nbench\n-----END OPENSSH PRIVATE KEY-----",
      publicKey: "ssh-ed25519 AAAAbench bench",
      fingerprint: "SHA256:bench",
    }),
    authorizedKey: async () => "ssh-ed25519 AAAAlifeboat lifeboat",
    answers: async () => ({ ok: true, detail: "answered" }),
    startContainers: async (_a, names) =>
      names.map((n) => ({ name: `container ${n}`, passed: true, detail: "running" })),
    runChecks: async (_a, checks) =>
      checks.map((c) => ({ name: `check ${c.command}`, passed: true, detail: "exited 0" })),
    stopContainers: async () => [],
    restoreVolumes: async () => [],
  };
  const config = validateConfig({
    plans: [
      {
        name: "weekly",
        schedule: "cron(0 3 ? * SUN *)",
        droplets: [{ name: "gitlab" }],
        snapshot: { approval: { required: false } },
        drill: { schedule: "cron(0 5 ? * MON *)", checks: [{ command: "curl -fsS localhost/-/health" }] },
      },
    ],
  });
  const before = sandbox.log.length;
  const started = performance.now();
  const result = await runDrill(
    new LocalSteps(time),
    { api, events: { emit: async () => undefined }, shell, now: () => sandbox.clock.now() },
    config,
    { kind: "drill", plan: "weekly", droplet: "gitlab", trigger: "cli" },
  );
  const realSeconds = (performance.now() - started) / 1000;
  const calls = sandbox.log.slice(before);
  const byOperation: Record<string, number> = {};
  for (const c of calls) byOperation[c.operationId ?? c.path] = (byOperation[c.operationId ?? c.path] ?? 0) + 1;
  const drill = result.drills[0];
  if (!drill?.passed || drill.restoreSeconds === undefined) {
    throw new Error(`the bench drill did not pass: ${drill?.error ?? result.error}`);
  }
  const pollLag = drill.restoreSeconds - createSeconds;
  const overhead = pollLag + realSeconds;
  console.log(
    `drill of gitlab (${USED_GB} GB snapshot): ${drill.passed ? "passed" : "failed"}, destroyed: ${drill.destroyed}`,
  );
  console.log(`DigitalOcean API calls per drill: ${calls.length}`);
  for (const [op, n] of Object.entries(byOperation).sort()) console.log(`  ${op.padEnd(28)} ${n}`);
  console.log(`sandbox create time: ${createSeconds} s; restore time reported: ${drill.restoreSeconds} s`);
  console.log(
    `polling lag beyond the create: ${pollLag} s (virtual); real time of the run: ${realSeconds.toFixed(2)} s`,
  );
  console.log(`drill overhead beyond the sandbox's create time: ${overhead.toFixed(2)} s; cost $${drill.costUsd}`);
  drillFigures = {
    drillApiCalls: calls.length,
    drillOverheadSeconds: Number(overhead.toFixed(2)),
    drillPollLagSeconds: pollLag,
    drillRealSeconds: Number(realSeconds.toFixed(2)),
    drillCreateSeconds: createSeconds,
    drillByOperation: byOperation,
  };
} finally {
  await sandbox.close();
}
const verify = await measureVerifyRead();
console.log(
  `verify --read-data=1: ${verify.verifyMBps} MB/s; GET | sha256sum: ${verify.sha256sumMBps} MB/s; ratio ${verify.verifyRatio} (goal ≥ 0.8)`,
);
console.log(JSON.stringify({ ...drillFigures, ...verify }));
