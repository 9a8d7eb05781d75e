/**
 * The routine's test world: the DigitalOcean sandbox (real HTTP, spec-checked) driven by the
 * real DigitalOcean client, and the durable function run by LocalDurableTestRunner with
 * skipped time. The sandbox runs on its virtual clock; ./virtual-time.ts moves it by every
 * durable wait the runner skips, and the client sleeps on the same clock.
 */
import { type DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import {
  type DropletApi,
  type DropletHosts,
  type DurableSteps,
  type LifeboatConfigInput,
  type LifeboatEvent,
  type Pinger,
  type RoutineDeps,
  type RunHistory,
  type RunRequest,
  type RunResult,
  runPlan,
  snapshotName,
  validateConfig,
} from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { type ActionTimings, type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterAll, afterEach, beforeAll } from "vitest";
import { invocationsWithin, type OverBudget, stepsWithin } from "./budget";
import { withVirtualTime } from "./virtual-time";

export const planInput = (
  snapshot: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): LifeboatConfigInput =>
  ({
    plans: [
      {
        name: "weekly",
        schedule: "cron(0 3 ? * SUN *)",
        droplets: [{ name: "gitlab" }],
        snapshot: { approval: { required: false }, ...snapshot },
        retention: { keepLast: 3 },
        ...extra,
      },
    ],
  }) as LifeboatConfigInput;

export interface World {
  sandbox: Sandbox;
  api: DigitalOceanClient;
  events: LifeboatEvent[];
  runner: LocalDurableTestRunner<RunResult>;
  invocations: { count: number };
  /** With `budgetMs`: each invocation and step that ran longer, in words. */
  overBudget: OverBudget;
  /** Runs the plan; with `budgetMs`, rejects once the run ended if anything ran longer than the budget. */
  run(request?: Partial<RunRequest>): ReturnType<LocalDurableTestRunner<RunResult>["run"]>;
  close(): Promise<void>;
}

export interface WorldOptions {
  config?: LifeboatConfigInput;
  timings?: Partial<ActionTimings>;
  /** Wraps the client, e.g. to inject a sandbox fault just before one call. */
  wrapApi?: (api: DropletApi, sandbox: Sandbox) => DropletApi;
  /** Wraps the durable context, e.g. to end the invocation after every step. */
  wrapContext?: (ctx: DurableSteps) => DurableSteps;
  /** The SSH phases (test/integration/routine wires the harness's sshd through them). */
  hosts?: DropletHosts;
  /** The plans' dead-man's switch (test/unit/routine/ping.test.ts). */
  pinger?: Pinger;
  /** Where run records are written (test/unit/routine/history.test.ts). */
  history?: RunHistory;
  /** The sandbox's start time (ms); default 2026-01-04T03:00:00Z. */
  startAt?: number;
  /**
   * Issue #14's per-invocation budget (wall time, ms): a run in which any handler invocation
   * or any step took longer fails (`run` rejects), as a Lambda invocation cannot outlast 15 min.
   */
  budgetMs?: number;
  /** The archive store a plan's `verify` step reads (#15). */
  verifyStore?: RoutineDeps["verifyStore"];
}

/**
 * For a test file: sets up the durable test environment and returns `makeWorld`, whose worlds
 * are closed after each test.
 */
export function worldsClosedAfterEach(): (options?: WorldOptions) => Promise<World> {
  beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
  afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());
  let open: World[] = [];
  afterEach(async () => {
    for (const world of open) await world.close();
    open = [];
  });
  return async (options) => {
    const world = await makeWorld(options);
    open.push(world);
    return world;
  };
}

/** A client of the sandbox on its virtual clock, with retries and pending-event waits short enough for tests. */
export function sandboxClient(sandbox: Sandbox): DigitalOceanClient {
  return new DigitalOceanClient({
    token: sandbox.token,
    endpoint: sandbox.url,
    clock: sandbox.clock,
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    pendingEvent: { pollMs: 50, timeoutMs: 500 },
  });
}

export async function makeWorld(options: WorldOptions = {}): Promise<World> {
  const sandbox = await startSandbox({
    startAt: options.startAt ?? Date.parse("2026-01-04T03:00:00Z"),
    timings: options.timings,
  });
  const api = sandboxClient(sandbox);
  const events: LifeboatEvent[] = [];
  const config = validateConfig(options.config ?? planInput());
  const routineApi = options.wrapApi ? options.wrapApi(api, sandbox) : api;
  const invocations = { count: 0 };
  const overBudget: OverBudget = [];
  const { budgetMs } = options;
  const handler = withDurableExecution<RunRequest, RunResult>((request, ctx: DurableContext) => {
    invocations.count++;
    const virtual = withVirtualTime(ctx, (ms) => sandbox.advance(ms));
    const timed = budgetMs === undefined ? virtual : stepsWithin(virtual, budgetMs, overBudget);
    const steps = options.wrapContext ? options.wrapContext(timed) : timed;
    const deps = {
      api: routineApi,
      events: { emit: async (e: LifeboatEvent) => void events.push(e) },
      now: () => sandbox.clock.now(),
      ...(options.hosts ? { hosts: options.hosts } : {}),
      ...(options.pinger ? { pinger: options.pinger } : {}),
      ...(options.history ? { history: options.history } : {}),
      ...(options.verifyStore ? { verifyStore: options.verifyStore } : {}),
    };
    return runPlan(steps, deps, config, request);
  });
  const runner = new LocalDurableTestRunner<RunResult>({
    handlerFunction: budgetMs === undefined ? handler : invocationsWithin(handler, budgetMs, overBudget),
  });
  // The runner moves its fake clock over a skipped wait only while some fake timer is pending;
  // this one (never due) makes every skipped wait move the sandbox's time by exactly its length.
  const pending = setTimeout(() => undefined, 10 * 365 * 86_400_000);
  return {
    sandbox,
    api,
    events,
    runner,
    invocations,
    overBudget,
    run: async (request = {}) => {
      const execution = await runner.run({
        payload: { plan: "weekly", trigger: "schedule", scheduledTime: "2026-01-04T03:00:00Z", ...request },
      });
      if (overBudget.length > 0) {
        throw new Error(`longer than the ${budgetMs} ms budget: ${overBudget.join("; ")}`);
      }
      return execution;
    },
    close: () => {
      clearTimeout(pending);
      return sandbox.close();
    },
  };
}

/** Seeds the droplet the plan backs up, with earlier lifeboat snapshots one week apart, and a foreign one. */
export function seedGitlab(sandbox: Sandbox, earlier = 3) {
  const gitlab = sandbox.addDroplet({ name: "gitlab", diskGb: 50, usedDiskGb: 24 });
  const week = 7 * 86_400_000;
  const names: string[] = [];
  for (let w = earlier; w >= 1; w--) {
    const at = sandbox.clock.now() - w * week;
    names.push(sandbox.state.addSnapshot(gitlab.id, snapshotName("weekly", "gitlab", new Date(at)), at).name);
  }
  sandbox.state.addSnapshot(gitlab.id, "gitlab-before-upgrade", sandbox.clock.now() - 30 * 86_400_000);
  return { gitlab, earlier: names };
}

export const types = (events: LifeboatEvent[]) => events.map((e) => e.type);
export const snapshotsOf = (sandbox: Sandbox, dropletId: number) =>
  [...sandbox.state.snapshots.values()].filter((s) => s.dropletId === dropletId).map((s) => s.name);
/** Action POSTs the sandbox answered with 201, by type. */
export const actionsStarted = (sandbox: Sandbox, type: string) =>
  sandbox.log.filter(
    (r) => r.operationId === "dropletActions_post" && r.status === 201 && (r.body as { type?: string })?.type === type,
  ).length;
