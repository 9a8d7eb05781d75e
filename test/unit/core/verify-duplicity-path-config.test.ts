/**
 * `plans[].verify.duplicityPath` (#15 §1): a path the plan's duplicity backs up, which the
 * droplet can decrypt; anything else is refused at load with what to change.
 */
import { parseConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";

const config = (plan: Record<string, unknown>) => ({
  plans: [
    {
      name: "nightly",
      schedule: "rate(1 day)",
      droplets: [{ name: "web-1" }],
      snapshot: { mode: "none" },
      ...plan,
    },
  ],
});

const duplicity = {
  paths: ["/srv/app", "/etc/"],
  exclude: ["/srv/app/cache"],
  encryption: { type: "passphrase" },
};

/** The one problem at plans[0].verify.duplicityPath, or undefined when the config loads. */
function problemOf(plan: Record<string, unknown>): string | undefined {
  const parsed = parseConfig(config(plan));
  if (parsed.ok) return undefined;
  const found = parsed.problems.filter((p) => p.path === "plans[0].verify.duplicityPath");
  expect(found, JSON.stringify(parsed.problems)).toHaveLength(1);
  return found[0]?.message;
}

describe("config: verify.duplicityPath", () => {
  it.each(["/srv/app", "/srv/app/", "/srv/app/uploads", "/etc", "/etc/nginx/nginx.conf"])("accepts %s", (path) => {
    expect(problemOf({ duplicity, verify: { duplicityPath: path } })).toBeUndefined();
  });

  it("refuses a path outside every duplicity path, naming them", () => {
    expect(problemOf({ duplicity, verify: { duplicityPath: "/srv/application" } })).toMatch(
      /is not under any of duplicity\.paths \(\/srv\/app, \/etc\/\).*pick a path under one of them, got "\/srv\/application"/,
    );
  });

  it("refuses an excluded path", () => {
    expect(problemOf({ duplicity, verify: { duplicityPath: "/srv/app/cache/x" } })).toMatch(
      /is under duplicity\.exclude \/srv\/app\/cache/,
    );
  });

  it("refuses it when the plan has no duplicity", () => {
    expect(problemOf({ verify: { duplicityPath: "/srv/app" } })).toMatch(
      /this plan has no `duplicity`; add duplicity: .* or remove verify\.duplicityPath/,
    );
  });

  it("refuses it with gpg encryption: the droplet cannot decrypt", () => {
    const gpg = { ...duplicity, encryption: { type: "gpg", keyFingerprint: "A".repeat(40) } };
    expect(problemOf({ duplicity: gpg, verify: { duplicityPath: "/srv/app" } })).toMatch(
      /droplet holds only the public key.*type: "passphrase"/,
    );
  });

  it("a plan without it is unchanged", () => {
    expect(parseConfig(config({ duplicity, verify: { readData: 0.1 } })).ok).toBe(true);
  });
});
