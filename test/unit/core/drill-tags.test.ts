import {
  DRILL_TAG,
  drillDropletAge,
  drillDropletName,
  drillFirewall,
  drillIdTag,
  drillTags,
  parseDrillIdTag,
  validateConfig,
} from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const plan = (name: string, drill?: Record<string, unknown>) => ({
  name,
  schedule: "cron(0 3 ? * SUN *)",
  droplets: [{ name: "gitlab" }],
  snapshot: { approval: { required: false } },
  ...(drill ? { drill } : {}),
});
const config = validateConfig({
  plans: [plan("weekly", { schedule: "cron(0 5 ? * SAT *)", maxAge: "30m" }), plan("nightly")],
} as never);
const NOW = Date.parse("2026-12-01T12:00:00Z");
const createdAgo = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

describe("drill tags and names", () => {
  it("tags a drill droplet with the drill tag and one that names the plan and drill, read back by the parser", () => {
    const tags = drillTags("weekly", "weekly-20261129T030000Z");
    expect(tags).toEqual([DRILL_TAG, "lifeboat-drill:weekly:weekly-20261129T030000Z"]);
    expect(tags.every((t) => /^[a-zA-Z0-9_\-:]{1,255}$/.test(t))).toBe(true);
    expect(parseDrillIdTag(tags[1]!)).toEqual({ plan: "weekly", drillId: "weekly-20261129T030000Z" });
    expect(parseDrillIdTag(DRILL_TAG)).toBeUndefined();
    expect(parseDrillIdTag("lifeboat-off:weekly:1:1796094000")).toBeUndefined();
    expect(() => drillIdTag("weekly", "has space")).toThrow(/letters, digits/);
  });

  it("names the scratch droplet as a hostname, distinct per droplet and drill even when cut", () => {
    expect(drillDropletName("gitlab", "weekly-20261129T030000Z")).toBe("drill-gitlab-weekly-20261129t030000z");
    const long = "x".repeat(60);
    const a = drillDropletName("gitlab", `${long}a`);
    const b = drillDropletName("gitlab", `${long}b`);
    expect(a).not.toBe(b);
    for (const name of [a, b, drillDropletName("My_Box", "id_1")]) expect(name).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
  });

  it("isolates: inbound SSH only, no outbound unless asked, on the drill tag", () => {
    expect(drillFirewall()).toMatchObject({ tag: DRILL_TAG, inboundTcpPorts: [22], outboundTcpPorts: [] });
    expect(drillFirewall([443]).outboundTcpPorts).toEqual([443]);
  });

  it("is stale past the plan's drill.maxAge, else past 2h; never without the drill tag", () => {
    const weekly = drillTags("weekly", "d1");
    expect(drillDropletAge({ tags: weekly, createdAt: createdAgo(31 * 60) }, config, NOW)).toEqual({
      ageSeconds: 31 * 60,
      maxAgeSeconds: 1800,
      stale: true,
    });
    expect(drillDropletAge({ tags: weekly, createdAt: createdAgo(29 * 60) }, config, NOW).stale).toBe(false);
    // a plan without a drill section, a plan gone from the config, no per-drill tag: 2h
    for (const tags of [drillTags("nightly", "d2"), drillTags("gone", "d3"), [DRILL_TAG]]) {
      expect(drillDropletAge({ tags, createdAt: createdAgo(7199) }, config, NOW)).toMatchObject({
        maxAgeSeconds: 7200,
        stale: false,
      });
      expect(drillDropletAge({ tags, createdAt: createdAgo(7201) }, config, NOW).stale).toBe(true);
    }
    // the per-drill tag alone (someone removed the drill tag) or a name that says drill: never stale
    expect(drillDropletAge({ tags: [weekly[1]!], createdAt: createdAgo(86_400) }, config, NOW).stale).toBe(false);
  });
});
