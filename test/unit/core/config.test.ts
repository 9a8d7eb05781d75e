import { parseConfig, validateConfig } from "@lifeboat/core";
import { describe, expect, it } from "vitest";
import sample from "../../../lifeboat.config";

/** A minimal valid config; each bad case below breaks one thing in a copy of it. */
const good = () => ({
  plans: [
    {
      name: "weekly",
      schedule: "cron(0 3 ? * SUN *)",
      droplets: [{ name: "web-1" }],
      snapshot: { approval: { approvers: ["U024BE7LH"] } },
      retention: { keepLast: 3 },
    },
    {
      name: "nightly",
      schedule: "rate(1 day)",
      droplets: [{ tag: "backup" }],
      snapshot: { mode: "none" },
      retention: { keepDaily: 7 },
    },
  ],
});

type Mutable = ReturnType<typeof good> & Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: test cases poke at arbitrary paths
type Any = any;

const bad: Array<[string, string, RegExp, (c: Any) => void]> = [
  [
    "negative keepDaily",
    "plans[1].retention.keepDaily",
    /expected a whole number ≥ 0, got -1/,
    (c) => (c.plans[1].retention.keepDaily = -1),
  ],
  [
    "fractional keepLast",
    "plans[0].retention.keepLast",
    /whole number.*got 1.5/,
    (c) => (c.plans[0].retention.keepLast = 1.5),
  ],
  [
    "keepWeekly as text",
    "plans[0].retention.keepWeekly",
    /whole number.*got "4"/,
    (c) => (c.plans[0].retention.keepWeekly = "4"),
  ],
  [
    "misspelt retention key",
    "plans[0].retention.keepDialy",
    /did you mean "keepDaily"/,
    (c) => (c.plans[0].retention.keepDialy = 3),
  ],
  ["unknown top-level key", "plan", /did you mean "plans"/, (c) => (c.plan = [])],
  ["no plans", "plans", /at least one plan/, (c) => (c.plans = [])],
  ["plans not a list", "plans", /list of plans, got an object/, (c) => (c.plans = { name: "x" })],
  ["plan name with capitals", "plans[0].name", /lower-case.*got "Weekly"/, (c) => (c.plans[0].name = "Weekly")],
  ["duplicate plan names", "plans[1].name", /already used by plans\[0\]/, (c) => (c.plans[1].name = "weekly")],
  ["missing schedule", "plans[0].schedule", /schedule expression, got nothing/, (c) => delete c.plans[0].schedule],
  [
    "crontab syntax",
    "plans[0].schedule",
    /cron\(min hour day month weekday year\)/,
    (c) => (c.plans[0].schedule = "0 3 * * 0"),
  ],
  ["cron with five fields", "plans[0].schedule", /6 fields.*got 5/, (c) => (c.plans[0].schedule = "cron(0 3 * * ?)")],
  [
    "cron without ?",
    "plans[0].schedule",
    /exactly one of day-of-month/,
    (c) => (c.plans[0].schedule = "cron(0 3 * * * *)"),
  ],
  [
    "cron hour 25",
    "plans[0].schedule",
    /25 is not between 0 and 23/,
    (c) => (c.plans[0].schedule = "cron(0 25 * * ? *)"),
  ],
  ["rate plural mismatch", "plans[1].schedule", /rate\(1 day\)/, (c) => (c.plans[1].schedule = "rate(1 days)")],
  ["rate zero", "plans[1].schedule", /at least 1/, (c) => (c.plans[1].schedule = "rate(0 hours)")],
  ["no droplets", "plans[0].droplets", /at least one droplet/, (c) => (c.plans[0].droplets = [])],
  [
    "droplet selector with two keys",
    "plans[0].droplets[0]",
    /expected \{ id: 123 \}/,
    (c) => (c.plans[0].droplets = [{ name: "a", tag: "b" }]),
  ],
  [
    "droplet id negative",
    "plans[0].droplets[0].id",
    /whole number ≥ 1, got -4/,
    (c) => (c.plans[0].droplets = [{ id: -4 }]),
  ],
  [
    "unknown snapshot mode",
    "plans[0].snapshot.mode",
    /"offline".*got "cold"/,
    (c) => (c.plans[0].snapshot.mode = "cold"),
  ],
  [
    "approver as @name",
    "plans[0].snapshot.approval.approvers[0]",
    /Slack user id.*got "@alice"/,
    (c) => (c.plans[0].snapshot.approval.approvers = ["@alice"]),
  ],
  [
    "approval without approvers",
    "plans[0].snapshot.approval.approvers",
    /nobody can approve/,
    (c) => (c.plans[0].snapshot.approval.approvers = []),
  ],
  [
    "unknown onTimeout",
    "plans[0].snapshot.approval.onTimeout",
    /"proceed", "skip" or "live"/,
    (c) => (c.plans[0].snapshot.approval.onTimeout = "wait"),
  ],
  [
    "duration without unit",
    "plans[0].snapshot.shutdownTimeout",
    /duration such as/,
    (c) => (c.plans[0].snapshot.shutdownTimeout = "120"),
  ],
  [
    "duration as a number",
    "plans[0].snapshot.maxDowntime",
    /duration such as.*got 7200/,
    (c) => (c.plans[0].snapshot.maxDowntime = 7200),
  ],
  [
    "maxDowntime not above shutdownTimeout",
    "plans[0].snapshot.maxDowntime",
    /longer than shutdownTimeout/,
    (c) => Object.assign(c.plans[0].snapshot, { shutdownTimeout: "10m", maxDowntime: "5m" }),
  ],
  ["retention keeping nothing", "plans[0].retention", /keeps nothing/, (c) => (c.plans[0].retention = { keepLast: 0 })],
  [
    "unknown capture",
    "plans[0].containers.capture",
    /"commit".*got "snapshot"/,
    (c) => (c.plans[0].containers = { capture: "snapshot" }),
  ],
  [
    "duplicity relative path",
    "plans[0].duplicity.paths[0]",
    /absolute path.*got "etc"/,
    (c) => (c.plans[0].duplicity = { paths: ["etc"], encryption: { type: "passphrase" } }),
  ],
  [
    "duplicity without encryption",
    "plans[0].duplicity.encryption",
    /type: "gpg"/,
    (c) => (c.plans[0].duplicity = { paths: ["/etc"] }),
  ],
  [
    "gpg fingerprint too short",
    "plans[0].duplicity.encryption.keyFingerprint",
    /40-character fingerprint/,
    (c) => (c.plans[0].duplicity = { paths: ["/etc"], encryption: { type: "gpg", keyFingerprint: "ABCD" } }),
  ],
  [
    "keepFull zero",
    "plans[0].duplicity.keepFull",
    /whole number ≥ 1, got 0/,
    (c) => (c.plans[0].duplicity = { paths: ["/etc"], encryption: { type: "passphrase" }, keepFull: 0 }),
  ],
  [
    "hook without command",
    "plans[0].hooks.pre[0].command",
    /got nothing/,
    (c) => (c.plans[0].hooks = { pre: [{ timeout: "1m" }] }),
  ],
  [
    "host key not SHA256",
    "ssh.droplets.web-1.hostKey",
    /SHA256:/,
    (c) => (c.ssh = { droplets: { "web-1": { hostKey: "MD5:aa:bb" } } }),
  ],
  [
    "ssh droplet without a host key",
    "ssh.droplets.web-1.hostKey",
    /needs its pinned host key.*transport: "local"/,
    (c) => (c.ssh = { droplets: { "web-1": { address: "10.0.0.5" } } }),
  ],
  [
    "unknown transport",
    "ssh.droplets.web-1.transport",
    /"ssh" \(the default\) or "local".*got "telnet"/,
    (c) => (c.ssh = { droplets: { "web-1": { transport: "telnet" } } }),
  ],
  [
    "local transport with a host key",
    "ssh.droplets.web-1.hostKey",
    /not used with transport: "local"/,
    (c) => (c.ssh = { droplets: { "web-1": { transport: "local", hostKey: `SHA256:${"A".repeat(43)}` } } }),
  ],
  ["ssh port out of range", "ssh.port", /1 to 65535, got 70000/, (c) => (c.ssh = { port: 70000 })],
  ["storage type unknown", "storage.type", /type: "s3".*got "gcs"/, (c) => (c.storage = { type: "gcs", bucket: "x" })],
  [
    "s3 bucket with capitals",
    "storage.bucket",
    /S3 bucket name/,
    (c) => (c.storage = { type: "s3", bucket: "My_Bucket", region: "us-east-1" }),
  ],
  [
    "spaces endpoint not a URL",
    "storage.endpoint",
    /https:\/\/ URL/,
    (c) => (c.storage = { type: "s3", bucket: "backups", region: "fra1", endpoint: "fra1.digitaloceanspaces" }),
  ],
  ["slack channel as #name", "slack.channel", /channel id/, (c) => (c.slack = { channel: "#ops" })],
];

describe("config validation", () => {
  it("accepts the committed sample config", () => {
    const parsed = parseConfig(sample);
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
  });

  it("fills in defaults", () => {
    const config = validateConfig(good());
    expect(config.storage).toEqual({ type: "local", directory: ".lifeboat" });
    expect(config.plans[0]?.snapshot).toMatchObject({
      mode: "offline",
      shutdownTimeout: { text: "2m", seconds: 120 },
      maxDowntime: { text: "2h", seconds: 7200 },
    });
    expect(config.plans[0]?.snapshot.approval).toMatchObject({
      required: true,
      timeout: { text: "2h", seconds: 7200 },
      onTimeout: "skip",
    });
    expect(config.plans[0]?.volumes.helperImage).toBe("busybox:1.36");
    expect(config.plans[1]?.retention).toEqual({
      keepLast: 0,
      keepDaily: 7,
      keepWeekly: 0,
      keepMonthly: 0,
      keepYearly: 0,
    });
  });

  it("reads each duration once, into seconds, keeping the text as written", () => {
    const config = good() as Any;
    config.plans[0].snapshot.approval.timeout = "1h30m";
    config.plans[0].hooks = { pre: [{ command: "true", timeout: "90s" }], post: [{ command: "true" }] };
    config.plans[0].duplicity = { paths: ["/etc"], encryption: { type: "passphrase" } };
    const plan = validateConfig(config).plans[0];
    expect(plan?.snapshot.approval.timeout).toEqual({ text: "1h30m", seconds: 5400 });
    expect(plan?.hooks.pre[0]?.timeout).toEqual({ text: "90s", seconds: 90 });
    expect(plan?.hooks.post[0]?.timeout).toEqual({ text: "5m", seconds: 300 });
    expect(plan?.duplicity?.fullEvery).toEqual({ text: "30d", seconds: 30 * 86_400 });
  });

  it.each(bad)("rejects %s, naming %s", (_name, path, message, breakIt) => {
    const config = good() as Mutable;
    breakIt(config);
    const parsed = parseConfig(config);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const problem = parsed.problems.find((p) => p.path === path);
    expect(problem, `problems were: ${JSON.stringify(parsed.problems)}`).toBeDefined();
    expect(problem?.message).toMatch(message);
  });

  it("reports every problem at once, not just the first", () => {
    const config = good() as Any;
    config.plans[0].retention.keepDaily = -1;
    config.plans[1].schedule = "daily";
    config.storage = { type: "s3" };
    const parsed = parseConfig(config);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const paths = parsed.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(["plans[0].retention.keepDaily", "plans[1].schedule", "storage.bucket", "storage.region"]),
    );
  });

  it("validateConfig throws one error listing all problems", () => {
    const config = good() as Any;
    config.plans[0].retention.keepDaily = -1;
    config.plans[0].name = "BAD";
    expect(() => validateConfig(config)).toThrowError(
      /2 problems:\n {2}plans\[0\]\.name: .*\n {2}plans\[0\]\.retention\.keepDaily: expected a whole number ≥ 0, got -1/,
    );
  });
});
