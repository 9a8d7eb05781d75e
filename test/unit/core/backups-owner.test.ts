/**
 * #16 §1: one plan owns a droplet's DO Backups, the first in the config that manages them and
 * selects it; config load refuses two plans that manage the same droplet's Backups differently
 * when both name it by the same name or id (a shared tag is left to that run-time rule).
 */
import { backupsOwner, parseConfig, validateConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const plan = (name: string, droplets: unknown[], dropletBackups?: unknown) => ({
  name,
  schedule: "cron(0 3 ? * SUN *)",
  droplets,
  snapshot: { mode: "none" },
  ...(dropletBackups !== undefined ? { dropletBackups } : {}),
});
const configOf = (...plans: unknown[]) => ({ storage: { type: "local", directory: ".lifeboat" }, plans });

describe("backupsOwner", () => {
  const config = validateConfig(
    configOf(
      plan("files", [{ tag: "web" }]), // unmanaged: never the owner
      plan("weekly", [{ tag: "web" }], { plan: "weekly", hour: 4 }),
      plan("nightly", [{ name: "gitlab" }, { tag: "web" }], { plan: "daily" }),
      plan("quiet", [{ id: 7 }], "off"),
    ),
  );
  const droplet = (id: number, name: string, tags: string[] = []) => ({ id, name, tags });

  it("is the first plan in the config that manages Backups and selects the droplet", () => {
    expect(backupsOwner(config.plans, droplet(1, "web-1", ["web"]))?.name).toBe("weekly");
    expect(backupsOwner(config.plans, droplet(2, "gitlab"))?.name).toBe("nightly");
    expect(backupsOwner(config.plans, droplet(7, "mute", ["other"]))?.name).toBe("quiet");
  });

  it("is nobody when no managing plan selects the droplet", () => {
    expect(backupsOwner(config.plans, droplet(3, "db", ["db"]))).toBeUndefined();
    expect(backupsOwner(config.plans.slice(0, 1), droplet(1, "web-1", ["web"]))).toBeUndefined();
  });
});

describe("config: two plans managing one droplet's Backups differently", () => {
  it("is refused when both name it by the same name, with both plans and the way out", () => {
    const parsed = parseConfig(
      configOf(
        plan("weekly", [{ name: "gitlab" }], { plan: "weekly", weekday: "SUN", hour: 4 }),
        plan("nightly", [{ tag: "web" }, { name: "gitlab" }], { plan: "daily" }),
      ),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([
      {
        path: "plans[1].droplets[1].name",
        message:
          'plans "weekly" and "nightly" both manage DO Backups of droplet "gitlab", differently (weekly on SUN at 04:00 UTC and daily); the first would own them and "nightly"\'s setting would never apply. Give both plans the same dropletBackups, set one of them to "unmanaged", or take the droplet out of one plan, got "gitlab"',
      },
    ]);
  });

  it("is refused when both name it by the same id", () => {
    const input = configOf(plan("a", [{ id: 42 }], "off"), plan("b", [{ id: 42 }], { plan: "weekly" }));
    expect(() => validateConfig(input)).toThrow(/plans "a" and "b" both manage DO Backups of droplet id 42/);
  });

  it("is accepted when the settings agree, one plan leaves Backups unmanaged, or only a tag is shared", () => {
    const daily = { plan: "daily", hour: 4 };
    expect(parseConfig(configOf(plan("a", [{ name: "x" }], daily), plan("b", [{ name: "x" }], daily))).ok).toBe(true);
    expect(parseConfig(configOf(plan("a", [{ name: "x" }], "off"), plan("b", [{ name: "x" }]))).ok).toBe(true);
    // A tag cannot be resolved offline: the owner rule decides at run time.
    expect(parseConfig(configOf(plan("a", [{ tag: "x" }], "off"), plan("b", [{ tag: "x" }], daily))).ok).toBe(true);
    // A name and an id may be the same droplet, but that cannot be told offline either.
    expect(parseConfig(configOf(plan("a", [{ name: "x" }], "off"), plan("b", [{ id: 1 }], daily))).ok).toBe(true);
  });
});
