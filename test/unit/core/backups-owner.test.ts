/** #16 §1: one plan owns a droplet's DO Backups, the first in the config that manages them and selects it. */
import { backupsOwner, validateConfig } from "@lifeboat/core";
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
