/** The CLI's in-process DurableSteps keeps the rules of packages/core/src/routine/durable.ts. */
import { isCallbackTimeout, isPowerOnStep, runOnce, runPlan } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { addSampleFleet, startSandbox } from "@lifeboat/sandbox";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../packages/cli/src/load-config";
import { InterruptedError, LocalSteps } from "../../../packages/cli/src/run/local-steps";
import { speedTime } from "../../../packages/cli/src/run/time-base";

// 1 s of run time is 1 ms here.
const steps = () => new LocalSteps(speedTime(1000));

describe("LocalSteps", () => {
  it("gives a step's result back through JSON, like a checkpoint", async () => {
    const at = new Date("2026-01-04T03:00:00Z");
    const value = await steps().step("s", async () => ({ at, gone: undefined }));
    expect(value).toEqual({ at: "2026-01-04T03:00:00.000Z" });
  });

  it("retries a failing step per its retryStrategy, and never when it says runOnce", async () => {
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls < 3) throw new Error(`try ${calls}`);
      return calls;
    };
    expect(await steps().step("flaky", flaky, { retryStrategy: (_e, a) => ({ shouldRetry: a < 5 }) })).toBe(3);
    calls = 0;
    await expect(steps().step("once", flaky, runOnce)).rejects.toThrow("try 1");
    expect(calls).toBe(1);
  });

  it("waitForCondition checks, asks the strategy with the attempt count, and stops", async () => {
    const attempts: number[] = [];
    const state = await steps().waitForCondition("count", async (n: number) => n + 1, {
      initialState: 0,
      waitStrategy: (n, attempt) => {
        attempts.push(attempt);
        return n < 3 ? { shouldContinue: true, delay: { seconds: 5 } } : { shouldContinue: false };
      },
    });
    expect(state).toBe(3);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it("map runs at most maxConcurrency items at once and reports a failed item without throwing", async () => {
    let running = 0;
    let peak = 0;
    const { all } = await steps().map(
      "items",
      [1, 2, 3, 4, 5],
      async (ctx, n) => {
        running++;
        peak = Math.max(peak, running);
        await ctx.wait(`w${n}`, { seconds: 10 });
        running--;
        if (n === 4) throw new Error("four failed");
        return n * 10;
      },
      { maxConcurrency: 2 },
    );
    expect(peak).toBe(2);
    expect(all.map((i) => i.result)).toEqual([10, 20, 30, undefined, 50]);
    expect(all[3]?.error?.message).toBe("four failed");
  });

  it("a callback resolves with the answer sent for its id, or times out as the routine expects", async () => {
    const s = steps();
    const [answer, id] = await s.createCallback<string>("approval", { timeout: { seconds: 60 } });
    expect(s.answer(id, '{"decision":"approve"}')).toBe(true);
    expect(await answer).toBe('{"decision":"approve"}');
    expect(s.answer(id, "again")).toBe(false); // one answer only

    const [late] = await s.createCallback("approval 2", { timeout: { seconds: 1 } });
    const error = await late.catch((e: unknown) => e);
    expect(isCallbackTimeout(error)).toBe(true);
  });

  it("an interrupt cuts pending and later waits, but not those of a power-on already started", async () => {
    const s = steps();
    const [first, second] = await Promise.all([
      s.runInChildContext("a", async (ctx) => {
        const waiting = ctx.wait("snapshot first check", { seconds: 3600 });
        s.interrupt();
        await expect(waiting).rejects.toBeInstanceOf(InterruptedError);
        await expect(ctx.wait("another", { seconds: 1 })).rejects.toBeInstanceOf(InterruptedError);
        await ctx.step("power on web-1", async () => true);
        await ctx.wait("power on web-1 first check", { seconds: 20 }); // resolves
        return "powered on";
      }),
      s.runInChildContext("b", async (ctx) => {
        await ctx.step("power on web-2", async () => true);
        await ctx.wait("power on web-2 first check", { seconds: 50 }); // interrupted meanwhile, still resolves
        return "also on";
      }),
    ]);
    expect([first, second]).toEqual(["powered on", "also on"]);
  });

  it("interrupted during the snapshot wait, the real routine unwinds into its power-on (core's isPowerOnStep recognises its step)", async () => {
    const sandbox = await startSandbox({ time: "real", speed: 2000 });
    try {
      const { ssh } = addSampleFleet(sandbox);
      const loaded = await loadConfig("lifeboat.config.ts");
      if (!loaded.ok) throw new Error("the sample config does not load");
      const local = new LocalSteps(speedTime(2000, () => sandbox.clock.now()));
      const client = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock });
      const steps: string[] = [];
      const recorded = (ctx: LocalSteps) =>
        Object.assign(Object.create(ctx), {
          step: (name: string, fn: never, o?: never) => {
            steps.push(name);
            return ctx.step(name, fn, o);
          },
        }) as LocalSteps;
      // Ctrl-C right after the snapshot action starts; every child context's steps are recorded.
      const api = Object.assign(Object.create(client), {
        snapshot: async (id: number, name: string) => {
          const action = await client.snapshot(id, name);
          setImmediate(() => local.interrupt());
          return action;
        },
      });
      const ctx = Object.assign(Object.create(local), {
        map: (
          n: string,
          items: unknown[],
          fn: (c: LocalSteps, item: unknown, i: number) => Promise<unknown>,
          o: never,
        ) => local.map(n, items, (c, item, i) => fn(recorded(c as LocalSteps), item, i), o),
      }) as LocalSteps;
      const events = {
        emit: async (e: { type: string; callbackId?: string }) => {
          if (e.type === "approval.requested" && e.callbackId)
            local.answer(e.callbackId, JSON.stringify({ decision: "approve", by: "test" }));
        },
      };
      const plans = loaded.config.plans.map((p) => ({
        ...p,
        snapshot: { ...p.snapshot, approval: { ...p.snapshot.approval, approvers: [] } },
      }));
      const result = await runPlan(
        ctx,
        { api, events, now: () => sandbox.clock.now() },
        { ...loaded.config, plans },
        { plan: "weekly", droplets: ["ssh"], trigger: "cli" },
      );
      expect(result.droplets[0]).toMatchObject({
        outcome: "failed",
        phases: { snapshot: "failed", "power on": "done" },
      });
      expect(result.droplets[0]?.detail).toContain("interrupted (Ctrl-C)");
      expect(steps.filter((n) => isPowerOnStep(n))).toEqual(["power on ssh"]);
      expect(sandbox.droplet(ssh.id)?.status).toBe("active");
      expect(sandbox.droplet(ssh.id)?.tags.some((t) => t.startsWith("lifeboat-off"))).toBe(false);
    } finally {
      await sandbox.close();
    }
  });
});
