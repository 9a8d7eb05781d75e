/**
 * The test world's per-invocation budget (issue #14): a run in which one step, or one
 * invocation, runs longer than the budget fails; a run of short steps passes it.
 */
import { describe, expect, it } from "vitest";
import { running, scriptedHost } from "./job-host";
import { seedGitlab, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

describe("the per-invocation budget", () => {
  it("fails the run when a step sleeps past it, naming the step", async () => {
    const host = scriptedHost({ archive: { polls: [running(1), { state: "succeeded", bytesDone: 2 }] } }, () => 0);
    const slowPoll = host.pollJob.bind(host);
    host.pollJob = async (kind) => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      return slowPoll(kind);
    };
    const world = await makeWorld({ budgetMs: 300, hosts: () => host });
    seedGitlab(world.sandbox);
    await expect(world.run()).rejects.toThrow(/longer than the 300 ms budget: .*step poll archive gitlab 1: \d+ ms/);
    expect(world.overBudget.some((o) => o.startsWith("invocation "))).toBe(true);
  });

  it("passes a run whose steps are all short, however long the job on the droplet takes", async () => {
    const polls = [
      ...Array.from({ length: 8 }, (_, i) => running(i * 1e9, { rate: 1e6 })),
      { state: "succeeded" as const, bytesDone: 8e9 },
    ];
    const host = scriptedHost({ archive: { expectedBytes: 8e9, polls } }, () => 0);
    const world = await makeWorld({ budgetMs: 10_000, hosts: () => host });
    seedGitlab(world.sandbox);
    expect((await world.run()).getResult()?.droplets[0]?.phases).toMatchObject({ archive: "done" });
    expect(world.overBudget).toEqual([]);
  });
});
