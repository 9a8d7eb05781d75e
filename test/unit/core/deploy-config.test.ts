import { parseConfig, validateConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const plans = [{ name: "nightly", schedule: "rate(1 day)", droplets: [{ tag: "backup" }], snapshot: { mode: "none" } }];

describe("deploy.disposableStages", () => {
  it("names no stage unless the config does, whether deploy is left out or written as {}", () => {
    expect(validateConfig({ plans }).deploy).toEqual({ disposableStages: [] });
    expect(validateConfig({ plans, deploy: {} }).deploy).toEqual({ disposableStages: [] });
    expect(validateConfig({ plans, deploy: { disposableStages: ["dev-alice"] } }).deploy.disposableStages).toEqual([
      "dev-alice",
    ]);
  });

  it("refuses a stage name SST would not accept, and an unknown setting, naming the path", () => {
    const parsed = parseConfig({ plans, deploy: { disposableStages: ["dev alice"], keepArchives: false } });
    expect(parsed.ok).toBe(false);
    const text = JSON.stringify(parsed);
    expect(text).toContain("deploy.disposableStages[0]");
    expect(text).toContain("deploy.keepArchives");
  });
});

describe("deploy.alarmEmail", () => {
  it("is optional, and kept as written when it is an email address", () => {
    expect(validateConfig({ plans }).deploy.alarmEmail).toBeUndefined();
    expect(validateConfig({ plans, deploy: { alarmEmail: "ops@example.com" } }).deploy.alarmEmail).toBe(
      "ops@example.com",
    );
  });

  it("refuses what is not an email address, naming the path and an example", () => {
    const parsed = parseConfig({ plans, deploy: { alarmEmail: "ops at example" } });
    expect(parsed.ok).toBe(false);
    const text = JSON.stringify(parsed);
    expect(text).toContain("deploy.alarmEmail");
    expect(text).toContain("ops@example.com");
  });
});
