import { describe, expect, it } from "vitest";
import { actionsStarted, planInput, seedGitlab, snapshotsOf, types, type World, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();

const approval = (onTimeout: "proceed" | "skip" | "live" = "skip", timeout = "30m") =>
  planInput({ approval: { required: true, approvers: ["U0APPROVER"], timeout, onTimeout } });

async function answerWith(w: World, attempt: number, answer: object) {
  const op = w.runner.getOperation(`approval gitlab #${attempt}`);
  await op.waitForData();
  await op.sendCallbackSuccess(JSON.stringify(answer));
}

describe("approval gate", () => {
  it("asks with the callback id, the droplet and the expected downtime; approve → offline snapshot", async () => {
    const world = await makeWorld({ config: approval() });
    const { gitlab } = seedGitlab(world.sandbox);
    const running = world.run();
    await answerWith(world, 1, { decision: "approve", by: "U0APPROVER" });
    const execution = await running;
    expect(execution.getResult()?.outcome).toBe("succeeded");
    const asked = world.events.find((e) => e.type === "approval.requested");
    const decided = world.events.find((e) => e.type === "approval.decided");
    expect(asked).toMatchObject({ dropletId: gitlab.id, approvers: ["U0APPROVER"], attempt: 1, onTimeout: "skip" });
    expect(asked?.type === "approval.requested" && asked.expectedDowntimeSeconds).toBe(24 * 59 + 15 + 20);
    expect(asked?.type === "approval.requested" && asked.callbackId).toMatch(/.+/);
    expect(decided).toMatchObject({ decision: "approve", outcome: "proceed", decidedBy: "U0APPROVER" });
    expect(decided?.type === "approval.decided" && decided.callbackId).toBe(
      asked?.type === "approval.requested" && asked.callbackId,
    );
    expect(actionsStarted(world.sandbox, "shutdown")).toBe(1);
  });

  it("live → snapshot without power-off", async () => {
    const world = await makeWorld({ config: approval() });
    const { gitlab, earlier } = seedGitlab(world.sandbox);
    const running = world.run();
    await answerWith(world, 1, { decision: "live", by: "U0APPROVER" });
    const execution = await running;
    expect(execution.getResult()?.outcome).toBe("succeeded");
    expect(actionsStarted(world.sandbox, "shutdown") + actionsStarted(world.sandbox, "power_off")).toBe(0);
    expect(world.events.find((e) => e.type === "snapshot.completed")).toMatchObject({ live: true });
    expect(world.sandbox.state.tags.size).toBe(0);
    // +1 made, −1 by keepLast 3, and the hand-made one
    expect(snapshotsOf(world.sandbox, gitlab.id)).toHaveLength(earlier.length + 1);
  });

  it("skip → nothing touched", async () => {
    const world = await makeWorld({ config: approval() });
    seedGitlab(world.sandbox);
    const running = world.run();
    await answerWith(world, 1, { decision: "skip", by: "U0APPROVER" });
    const execution = await running;
    expect(execution.getResult()?.outcome).toBe("skipped");
    // Only the droplet claim's own tags were written (and removed again): nothing else.
    const writes = world.sandbox.log.filter((r) => r.method !== "GET");
    expect(writes.filter((r) => !/lifeboat-claim/.test(`${r.path} ${JSON.stringify(r.body)}`))).toEqual([]);
    expect(world.sandbox.state.tags.size).toBe(0);
    expect(types(world.events)).toEqual(["run.started", "approval.requested", "approval.decided", "run.finished"]);
  });

  it("postpone → asks again an hour later; an answer from a non-approver is ignored", async () => {
    const world = await makeWorld({ config: approval() });
    seedGitlab(world.sandbox);
    const running = world.run();
    await answerWith(world, 1, { decision: "postpone", by: "U0APPROVER" });
    await answerWith(world, 2, { decision: "approve", by: "U0SOMEBODY" });
    await answerWith(world, 3, { decision: "approve", by: "U0APPROVER" });
    const execution = await running;
    expect(execution.getResult()?.outcome).toBe("succeeded");
    const asks = world.events.filter((e) => e.type === "approval.requested");
    expect(asks.map((e) => e.type === "approval.requested" && e.attempt)).toEqual([1, 2, 3]);
    expect(Date.parse(asks[1]!.at) - Date.parse(asks[0]!.at)).toBe(3_600_000);
    expect(actionsStarted(world.sandbox, "snapshot")).toBe(1);
  });

  it.each([
    ["skip", 0, "skipped"],
    ["live", 1, "succeeded"],
    ["proceed", 1, "succeeded"],
  ] as const)("nobody answers → the plan's onTimeout (%s)", async (onTimeout, snapshots, outcome) => {
    // The local runner times callbacks out on real time (its checkpoint worker is not on the fake
    // clock), so this plan's approval times out after 1 s.
    const world = await makeWorld({ config: approval(onTimeout, "1s") });
    seedGitlab(world.sandbox);
    const execution = await world.run();
    expect(execution.getResult()?.outcome).toBe(outcome);
    expect(world.events.find((e) => e.type === "approval.decided")).toMatchObject({
      decision: "timeout",
      outcome: onTimeout,
    });
    expect(actionsStarted(world.sandbox, "snapshot")).toBe(snapshots);
    expect(actionsStarted(world.sandbox, "shutdown")).toBe(onTimeout === "proceed" ? 1 : 0);
  });
});
