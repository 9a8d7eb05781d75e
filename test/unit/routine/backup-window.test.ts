/**
 * #16 §1: a run does not power a droplet off inside its DO Backups window (`next_backup_window`,
 * from the run's one policy listing): `wait` waits durably until it ends, `warn` goes ahead and
 * says so. Against the sandbox, on its virtual clock.
 */
import type { LifeboatEvent } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import { planInput, type World, worldsClosedAfterEach } from "./world";

const makeWorld = worldsClosedAfterEach();
const at = (iso: string) => Date.parse(iso);

function eventOf<T extends LifeboatEvent["type"]>(events: LifeboatEvent[], type: T) {
  return events.find((e): e is Extract<LifeboatEvent, { type: T }> => e.type === type);
}

/** gitlab, 24 GB used (a snapshot of ~24 min), with DO Backups daily from `hour` (a 4-hour window). */
const gitlabWithBackups = (w: World, hour?: 0 | 4) =>
  w.sandbox.addDroplet({
    name: "gitlab",
    diskGb: 50,
    usedDiskGb: 24,
    ...(hour !== undefined ? { backups: { plan: "daily" as const, hour } } : {}),
  });

const policyListings = (w: World) => w.sandbox.log.filter((r) => r.operationId === "droplets_list_backup_policies");

describe("the DO Backups window and the power-off", () => {
  it("wait: a window open now is waited out durably (the claim renewed meanwhile), then the droplet is backed up", async () => {
    // 03:00, the window 00:00–04:00 is open. maxDowntime 15m: the claim lasts 45 min, less than the wait.
    const world = await makeWorld({ config: planInput({ maxDowntime: "15m" }) });
    gitlabWithBackups(world, 0);
    const result = (await world.run()).getResult()!;

    expect(result.outcome).toBe("succeeded");
    expect(result.droplets[0]?.snapshot).toMatch(/^lifeboat-weekly-gitlab-20260104T04/);
    const off = eventOf(world.events, "droplet.powered_off");
    expect(Date.parse(off!.at)).toBeGreaterThanOrEqual(at("2026-01-04T04:00:00Z"));
    const waited = eventOf(world.events, "backup-window.waited");
    expect(waited).toMatchObject({
      droplet: "gitlab",
      before: "power off",
      window: { start: "2026-01-04T00:00:00.000Z", end: "2026-01-04T04:00:00.000Z" },
    });
    expect(waited!.waitedSeconds).toBeGreaterThan(55 * 60);
    expect(waited!.waitedSeconds).toBeLessThanOrEqual(60 * 60);
    expect(result.droplets[0]?.detail).toContain("waited 1h for its DO backup window (00:00–04:00 UTC) to end");
    // Unmanaged (the default): the policy is read for its window, never written.
    expect(world.sandbox.droplet(result.droplets[0]!.dropletId)?.backups?.policy).toEqual({ plan: "daily", hour: 0 });
    expect(
      world.sandbox.log.filter((r) => String((r.body as { type?: string })?.type ?? "").includes("backup")),
    ).toEqual([]);
    // The window came from the run's one listing: no call per droplet for it.
    expect(policyListings(world)).toHaveLength(1);
    expect(world.sandbox.log.filter((r) => r.operationId === "droplets_get_backup_policy")).toHaveLength(0);
    expect(world.events.map((e) => e.type)).toEqual([
      "run.started",
      "backup-window.waited",
      "droplet.powered_off",
      "snapshot.completed",
      "droplet.powered_on",
      "retention.applied",
      "run.finished",
    ]);
  });

  it("wait: a window that opens before the expected downtime ends is waited out too", async () => {
    // 03:50: ~25 min of downtime would end inside the 04:00–08:00 window.
    const world = await makeWorld({ startAt: at("2026-01-04T03:50:00Z") });
    gitlabWithBackups(world, 4);
    const result = (await world.run({ scheduledTime: "2026-01-04T03:50:00Z" })).getResult()!;
    expect(result.outcome).toBe("succeeded");
    const off = eventOf(world.events, "droplet.powered_off");
    expect(Date.parse(off!.at)).toBeGreaterThanOrEqual(at("2026-01-04T08:00:00Z"));
    expect(eventOf(world.events, "backup-window.waited")?.window.start).toBe("2026-01-04T04:00:00.000Z");
  });

  it("a window far enough away is no reason to wait", async () => {
    const world = await makeWorld({ startAt: at("2026-01-04T12:00:00Z") });
    gitlabWithBackups(world, 4);
    const result = (await world.run({ scheduledTime: "2026-01-04T12:00:00Z" })).getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(eventOf(world.events, "backup-window.waited")).toBeUndefined();
    expect(Date.parse(eventOf(world.events, "droplet.powered_off")!.at)).toBeLessThan(at("2026-01-04T12:05:00Z"));
  });

  it("wait: a downtime that never fits between the windows is not started; the snapshot is skipped and the report says why", async () => {
    const world = await makeWorld({ startAt: at("2026-01-04T12:00:00Z") });
    // ~21 h of snapshot: more than the 20 hours between daily 4-hour windows.
    const gitlab = world.sandbox.addDroplet({
      name: "gitlab",
      diskGb: 1300,
      usedDiskGb: 1300,
      backups: { plan: "daily", hour: 0 },
    });
    const result = (await world.run({ scheduledTime: "2026-01-04T12:00:00Z" })).getResult()!;
    expect(result.droplets[0]?.outcome).toBe("skipped");
    expect(result.droplets[0]?.detail).toMatch(
      /not powered off: its DO backup window \(00:00–04:00 UTC\) is in the way, and ~21h \d+m of downtime does not fit between its windows within 8h/,
    );
    expect(world.sandbox.droplet(gitlab.id)?.status).toBe("active");
    expect(world.sandbox.log.filter((r) => r.method === "POST" && r.operationId === "dropletActions_post")).toEqual([]);
  });

  it("a dry run says what the window would do, from the same one listing, and writes nothing", async () => {
    const world = await makeWorld();
    gitlabWithBackups(world, 0);
    const result = (await world.run({ dryRun: true })).getResult()!;
    const preview = result.droplets[0]?.preview;
    expect(preview?.snapshot.backupWindow).toBe(
      "wait 1h for its DO backup window (00:00–04:00 UTC) to end before powering off",
    );
    expect(result.droplets[0]?.detail).toContain("wait 1h for its DO backup window");
    expect(world.sandbox.log.filter((r) => r.method !== "GET")).toEqual([]);
    expect(policyListings(world)).toHaveLength(1);
  });

  it("warn: powers off inside the window, and the report says so", async () => {
    const world = await makeWorld({ config: planInput({ duringBackupWindow: "warn" }) });
    gitlabWithBackups(world, 0);
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(Date.parse(eventOf(world.events, "droplet.powered_off")!.at)).toBeLessThan(at("2026-01-04T04:00:00Z"));
    expect(eventOf(world.events, "backup-window.waited")).toBeUndefined();
    expect(result.droplets[0]?.detail).toContain(
      'powered off in its DO backup window (00:00–04:00 UTC): snapshot.duringBackupWindow is "warn"',
    );
  });

  it("with approval: the wait comes before the question, so the power-off can follow the answer", async () => {
    const world = await makeWorld({
      config: planInput({ approval: { required: true, approvers: ["U0APPROVER"], timeout: "30m" } }),
    });
    gitlabWithBackups(world, 0);
    const running = world.run();
    const op = world.runner.getOperation("approval gitlab #1");
    await op.waitForData();
    await op.sendCallbackSuccess(JSON.stringify({ decision: "approve", by: "U0APPROVER" }));
    const result = (await running).getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(eventOf(world.events, "backup-window.waited")?.before).toBe("approval");
    expect(Date.parse(eventOf(world.events, "approval.requested")!.at)).toBeGreaterThanOrEqual(
      at("2026-01-04T04:00:00Z"),
    );
  });

  it("the window of a policy this run just set counts (worked out from the policy: DO's listing predates it)", async () => {
    const world = await makeWorld({ config: planInput({}, { dropletBackups: { plan: "daily", hour: 0 } }) });
    gitlabWithBackups(world);
    const result = (await world.run()).getResult()!;
    expect(result.outcome).toBe("succeeded");
    expect(world.sandbox.droplet(result.droplets[0]!.dropletId)?.backups?.policy).toEqual({ plan: "daily", hour: 0 });
    expect(world.events.map((e) => e.type).slice(0, 3)).toEqual([
      "run.started",
      "backups.reconciled",
      "backup-window.waited",
    ]);
    expect(Date.parse(eventOf(world.events, "droplet.powered_off")!.at)).toBeGreaterThanOrEqual(
      at("2026-01-04T04:00:00Z"),
    );
    expect(policyListings(world)).toHaveLength(1);
  });
});
