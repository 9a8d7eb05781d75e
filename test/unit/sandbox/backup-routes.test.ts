import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectSpecCompliant } from "./openapi-check";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let sandbox: Sandbox;
beforeEach(async () => {
  // Sunday 2026-01-04, 03:00 UTC: inside a 00:00 window, before a 20:00 one.
  sandbox = await startSandbox({ startAt: Date.parse("2026-01-04T03:00:00Z") });
});
afterEach(async () => {
  await sandbox.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const act = (id: number, body: unknown) => call("POST", `/droplets/${id}/actions`, body);

describe("sandbox: DigitalOcean Backups", () => {
  it("lists every droplet's policy as a map keyed by droplet id, page by page, with each next window", async () => {
    const none = sandbox.addDroplet({ name: "none" });
    const daily = sandbox.addDroplet({ name: "daily", backups: { plan: "daily", hour: 0 } });
    const weekly = sandbox.addDroplet({ name: "weekly", backups: { plan: "weekly", weekday: "SUN", hour: 20 } });
    const first = await call("GET", "/droplets/backups/policies?per_page=2");
    expect(first.body.meta.total).toBe(3);
    expect(first.body.links.pages.next).toBe(`${sandbox.url}/droplets/backups/policies?per_page=2&page=2`);
    expect(first.body.policies).toEqual({
      [none.id]: { droplet_id: none.id, backup_enabled: false },
      [daily.id]: {
        droplet_id: daily.id,
        backup_enabled: true,
        backup_policy: { plan: "daily", hour: 0, window_length_hours: 4, retention_period_days: 7 },
        // 03:00 is inside today's 00:00–04:00 window: that is the next one DO may back up in.
        next_backup_window: { start: "2026-01-04T00:00:00Z", end: "2026-01-04T04:00:00Z" },
      },
    });
    const second = await call("GET", "/droplets/backups/policies?per_page=2&page=2");
    expect(second.body.policies[weekly.id]).toEqual({
      droplet_id: weekly.id,
      backup_enabled: true,
      backup_policy: { plan: "weekly", weekday: "SUN", hour: 20, window_length_hours: 4, retention_period_days: 28 },
      next_backup_window: { start: "2026-01-04T20:00:00Z", end: "2026-01-05T00:00:00Z" },
    });
    sandbox.advance(21 * HOUR); // Monday 00:00, the weekly window's end: next Sunday's
    const one = await call("GET", `/droplets/${weekly.id}/backups/policy`);
    expect(one.body.policy.next_backup_window).toEqual({ start: "2026-01-11T20:00:00Z", end: "2026-01-12T00:00:00Z" });
    const droplet = await call("GET", `/droplets/${weekly.id}`);
    expect(droplet.body.droplet.features).toContain("backups");
    expect(droplet.body.droplet.next_backup_window).toEqual(one.body.policy.next_backup_window);
    const off = await call("GET", `/droplets/${none.id}`);
    expect(off.body.droplet).toMatchObject({ next_backup_window: null, backup_ids: [] });
    expect(off.body.droplet.features).not.toContain("backups");
    const supported = await call("GET", "/droplets/backups/supported_policies");
    expect(supported.body.supported_policies.map((p: { name: string }) => p.name).sort()).toEqual(["daily", "weekly"]);
    await expectSpecCompliant(sandbox);
  });

  it("enables (daily without a policy), changes and disables backups as actions, with the pending-event rule", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 2 });
    const refused = await act(d.id, { type: "change_backup_policy", backup_policy: { plan: "weekly", hour: 4 } });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/not enabled/);
    expect((await act(d.id, { type: "disable_backups" })).status).toBe(422);

    const snap = await act(d.id, { type: "snapshot", name: "s" });
    const pending = await act(d.id, { type: "enable_backups" });
    expect([snap.status, pending.status, pending.body.message]).toEqual([
      201,
      422,
      "Droplet already has a pending event.",
    ]);
    sandbox.advance(2 * 60_000);

    const enable = await act(d.id, { type: "enable_backups" });
    expect(enable.status).toBe(201);
    expect((await call("GET", `/droplets/${d.id}/backups/policy`)).body.policy.backup_enabled).toBe(false);
    const busy = await act(d.id, { type: "change_backup_policy", backup_policy: { plan: "weekly", weekday: "MON" } });
    expect(busy.body.message).toBe("Droplet already has a pending event.");
    sandbox.advance(sandbox.state.timings.backupPolicyMs);
    expect((await call("GET", `/actions/${enable.body.action.id}`)).body.action.status).toBe("completed");
    const enabled = (await call("GET", `/droplets/${d.id}/backups/policy`)).body.policy;
    expect(enabled).toMatchObject({ backup_enabled: true, backup_policy: { plan: "daily", hour: 0 } });
    expect((await act(d.id, { type: "enable_backups" })).status).toBe(422); // already on

    const change = await act(d.id, {
      type: "change_backup_policy",
      backup_policy: { plan: "weekly", weekday: "MON", hour: 8 },
    });
    expect(change.status).toBe(201);
    sandbox.advance(sandbox.state.timings.backupPolicyMs);
    const changed = (await call("GET", `/droplets/${d.id}/backups/policy`)).body.policy;
    expect(changed.backup_policy).toMatchObject({ plan: "weekly", weekday: "MON", hour: 8 });
    expect(changed.next_backup_window).toEqual({ start: "2026-01-05T08:00:00Z", end: "2026-01-05T12:00:00Z" });

    sandbox.state.addBackup(d.id, sandbox.clock.now() - DAY);
    expect((await act(d.id, { type: "disable_backups" })).status).toBe(201);
    sandbox.advance(sandbox.state.timings.backupPolicyMs);
    expect((await call("GET", `/droplets/${d.id}/backups/policy`)).body.policy).toEqual({
      droplet_id: d.id,
      backup_enabled: false,
    });
    // DO deletes a droplet's backups when they are disabled.
    expect((await call("GET", `/droplets/${d.id}/backups`)).body.backups).toEqual([]);
    await expectSpecCompliant(sandbox);
  });

  // Bodies outside the spec on purpose: no spec check here.
  it("refuses a policy DO does not offer, naming what is wrong, and changes nothing", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", backups: { plan: "daily", hour: 0 } });
    for (const [policy, wrong] of [
      [{ plan: "hourly" }, /plan must be daily or weekly, not hourly/],
      [{ plan: "daily", hour: 5 }, /hour must be one of 0, 4, 8, 12, 16, 20, not 5/],
      [{ plan: "weekly", weekday: "SUNDAY" }, /weekday must be one of SUN, .*not SUNDAY/],
      [{ plan: "weekly", day: "SUN", hour: 20 }, /backup_policy.day is not a field: use plan, weekday and hour/],
    ] as const) {
      const res = await act(d.id, { type: "change_backup_policy", backup_policy: policy });
      expect([res.status, res.body.message]).toEqual([422, expect.stringMatching(wrong)]);
    }
    expect((await act(d.id, { type: "change_backup_policy" })).body.message).toMatch(/backup_policy is required/);
    expect(sandbox.state.actions.size).toBe(0);
    expect(sandbox.droplet(d.id)!.backups!.policy).toEqual({ plan: "daily", hour: 0 });
  });

  it("takes a backup in each window that passes, keeps a daily plan's for 7 days, and lists them on the droplet", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 7, backups: { plan: "daily", hour: 20 } });
    expect((await call("GET", `/droplets/${d.id}/backups`)).body.meta.total).toBe(0);
    sandbox.advance(21 * HOUR); // Mon 00:00: Sunday's 20:00–24:00 window has ended
    const one = await call("GET", `/droplets/${d.id}/backups`);
    expect(one.body.backups).toEqual([
      expect.objectContaining({ type: "backup", created_at: "2026-01-04T21:00:00Z", size_gigabytes: 7 }),
    ]);
    sandbox.advance(10 * DAY); // Thu 15th 00:00: 11 windows have passed, the last 7 days' are kept
    const kept = (await call("GET", `/droplets/${d.id}/backups?per_page=200`)).body.backups;
    expect(kept.map((b: { created_at: string }) => b.created_at.slice(0, 10))).toEqual([
      "2026-01-08",
      "2026-01-09",
      "2026-01-10",
      "2026-01-11",
      "2026-01-12",
      "2026-01-13",
      "2026-01-14",
    ]);
    const droplet = await call("GET", `/droplets/${d.id}`);
    expect(droplet.body.droplet.backup_ids).toEqual(kept.map((b: { id: number }) => b.id));
    expect(droplet.body.droplet.snapshot_ids).toEqual([]);
    await expectSpecCompliant(sandbox);
  });

  it("restores a droplet from one of its own backups only, and makes a new droplet from a backup", async () => {
    const d = sandbox.addDroplet({ name: "gitlab", usedDiskGb: 4, backups: { plan: "daily", hour: 0 } });
    const other = sandbox.addDroplet({ name: "drone" });
    const mine = sandbox.state.addBackup(d.id, sandbox.clock.now() - DAY);
    const theirs = sandbox.state.addBackup(other.id, sandbox.clock.now() - DAY);
    const snap = sandbox.state.addSnapshot(d.id, "lifeboat-weekly-gitlab-1");
    for (const image of [theirs.id, snap.id, 12345]) {
      const refused = await act(d.id, { type: "restore", image });
      expect(refused.status).toBe(422);
      expect(refused.body.message).toMatch(/not a backup of this Droplet/);
    }
    const restore = await act(d.id, { type: "restore", image: mine.id });
    expect(restore.status).toBe(201);
    expect((await act(d.id, { type: "power_off" })).status).toBe(422);
    sandbox.advance(5 * 60_000);
    expect((await call("GET", `/actions/${restore.body.action.id}`)).body.action.status).toBe("completed");
    expect(sandbox.droplet(d.id)!.restoredFrom).toEqual({ image: mine.id, at: expect.any(Number) });

    const created = await call("POST", "/droplets", {
      name: "gitlab-from-backup",
      region: "nyc3",
      size: "s-1vcpu-1gb",
      image: mine.id,
      backups: true,
      backup_policy: { plan: "weekly", weekday: "SAT", hour: 12 },
    });
    expect(created.status).toBe(202);
    const policy = await call("GET", `/droplets/${created.body.droplet.id}/backups/policy`);
    expect(policy.body.policy.backup_policy).toMatchObject({ plan: "weekly", weekday: "SAT", hour: 12 });
    await expectSpecCompliant(sandbox);
  });

  it("still checks a change_backup_policy body against the spec (its enum slip is not a free pass)", async () => {
    const { specProblems } = await import("./openapi-check");
    const d = sandbox.addDroplet({ name: "gitlab", backups: { plan: "daily", hour: 0 } });
    await act(d.id, { type: "change_backup_policy", backup_policy: { plan: "weekly", weekday: "MON", hour: 4 } });
    const good = sandbox.log[0]!;
    expect(await specProblems(good)).toEqual([]);
    const badHour = { ...good, body: { type: "change_backup_policy", backup_policy: { plan: "weekly", hour: 5 } } };
    expect((await specProblems(badHour)).join("\n")).toMatch(
      /backup_policy\/hour must be equal to one of the allowed values/,
    );
    const noPolicy = { ...good, body: { type: "change_backup_policy" } };
    expect((await specProblems(noPolicy)).join("\n")).toMatch(/must have required property 'backup_policy'/);
    const badPage = { ...good, method: "GET", path: `/v2/images/1/actions`, query: { page: "0" }, body: undefined };
    expect((await specProblems(badPage)).join("\n")).toMatch(/page must be a positive integer/);
  });

  it("prices each droplet's size as /v2/sizes lists it (what cost multiplies by 20 % or 30 %), and knows no other size", async () => {
    const gitlab = sandbox.addDroplet({
      name: "gitlab",
      sizeSlug: "s-2vcpu-4gb",
      backups: { plan: "weekly", hour: 0 },
    });
    const sizes = (await call("GET", "/sizes?per_page=200")).body.sizes as Array<{
      slug: string;
      price_monthly: number;
    }>;
    const droplet = (await call("GET", `/droplets/${gitlab.id}`)).body.droplet;
    expect(droplet.size.price_monthly).toBe(24);
    expect(sizes.find((z) => z.slug === droplet.size_slug)!.price_monthly).toBe(24);
    expect(() => sandbox.addDroplet({ name: "x", sizeSlug: "s-3vcpu-1gb" })).toThrow(
      /no size "s-3vcpu-1gb"; use one of/,
    );
    await expectSpecCompliant(sandbox);
  });
});
