/**
 * What the functions write to CloudWatch: Powertools Logger lines with the run keys and no
 * secret (sentinels grepped in the captured output), the DigitalOcean client's 429 log, and
 * the embedded-metric-format lines of an event's metrics.
 */
import { type LifeboatEvent, metricsOfEvent } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

const PING = "https://ping.example.com/9b1c-sentinel-ping-uuid";
const DO_TOKEN = "sentinel-do-token-0c4f2a";
const SIGNING_SECRET = "sentinel-signing-secret-77e1";
const PASSPHRASE = "sentinel-passphrase-5d9b";
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nsentinelKeyBody123\n-----END OPENSSH PRIVATE KEY-----";
const SENTINELS = [PING, "sentinel-ping-uuid", DO_TOKEN, SIGNING_SECRET, PASSPHRASE, "sentinelKeyBody123"];

vi.mock("../../../lifeboat.config", () => ({
  default: {
    plans: [
      {
        name: "nightly",
        schedule: "cron(0 3 * * ? *)",
        droplets: [{ name: "gitlab" }],
        snapshot: { mode: "live" },
        notify: { ping: PING },
      },
    ],
  },
}));

type Observability = typeof import("../../../functions/observability");
let obs: Observability;
let written: string[] = [];

beforeAll(async () => {
  // Known at load: a secret in the environment. Loaded later: the others (loadLoggedSecrets).
  process.env.SLACK_SIGNING_SECRET = SIGNING_SECRET;
  process.env.DIGITALOCEAN_TOKEN = DO_TOKEN;
  process.env.DUPLICITY_PASSPHRASE = PASSPHRASE;
  process.env.SSH_PRIVATE_KEY = SSH_KEY;
  obs = await import("../../../functions/observability");
  delete process.env.SLACK_SIGNING_SECRET;
});

/** Captures what the function writes (Powertools writes info to stdout, warnings to stderr). */
function capture(): () => Array<Record<string, unknown>> {
  written = [];
  const keep = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(keep);
  vi.spyOn(process.stderr, "write").mockImplementation(keep);
  return () =>
    written
      .join("")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
}
afterEach(() => vi.restoreAllMocks());

const noSentinel = () => {
  const all = written.join("");
  for (const s of SENTINELS) expect(all).not.toContain(s);
};

describe("function logs", () => {
  it("carry runId, plan, droplet and phase of the event they are about", () => {
    const lines = capture();
    const failed = {
      type: "run.failed",
      runId: "nightly-20261130T030000Z",
      plan: "nightly",
      droplet: "gitlab",
      at: "2026-11-30T03:10:00Z",
      phase: "snapshot",
      error: "e",
      recovery: "r",
    } as LifeboatEvent;
    obs.useRunKeys(obs.runKeysOf(failed));
    obs.logger.info("reporting");
    obs.boltLogger("report").warn("thread not found");
    obs.useRunKeys({ plan: "weekly" });
    obs.logger.info("next invocation");
    const [first, bolt, second] = lines();
    // Bolt's logger (the Slack app, the report) writes through the same logger, keys and all.
    expect(bolt).toMatchObject({ message: "thread not found", logger: "report", runId: "nightly-20261130T030000Z" });
    expect(first).toMatchObject({
      message: "reporting",
      service: "lifeboat",
      runId: "nightly-20261130T030000Z",
      plan: "nightly",
      droplet: "gitlab",
      phase: "snapshot",
    });
    // Keys of the invocation before do not leak into the next.
    expect(second).toMatchObject({ plan: "weekly" });
    expect(second).not.toHaveProperty("runId");
  });

  it("never carry a secret, known at load or loaded later, in messages, fields or errors", async () => {
    const lines = capture();
    const loaded = await obs.loadLoggedSecrets(["DIGITALOCEAN_TOKEN", "DUPLICITY_PASSPHRASE", "SSH_PRIVATE_KEY"]);
    expect(loaded.DIGITALOCEAN_TOKEN).toBe(DO_TOKEN);
    obs.logger.info(`calling with ${DO_TOKEN} and signing with ${SIGNING_SECRET}`);
    obs.logger.warn("pinged", { url: `${PING}/fail`, note: `passphrase was ${PASSPHRASE}` });
    obs.logger.error("ssh failed", new Error(`bad key ${SSH_KEY}`));
    obs.logger.info("shapes", { from: "dop_v1_0123456789abcdef and xoxb-1-2-abc and ASIAABCDEFGHIJKLMNOP" });
    obs.logger.info("by name", { sessionToken: "anything at all", secretAccessKey: "also" });
    const out = lines();
    expect(out).toHaveLength(5);
    noSentinel();
    const all = written.join("");
    for (const shaped of ["dop_v1_0123", "xoxb-1-2", "ASIAABCDEFGHIJKLMNOP", "anything at all"]) {
      expect(all).not.toContain(shaped);
    }
    expect(out[0]?.message).toBe("calling with [redacted] and signing with [redacted]");
    expect(out[1]).toMatchObject({ url: "[redacted]/fail", note: "passphrase was [redacted]" });
  });

  it("report the DigitalOcean client's 429 wait, without its token", async () => {
    const { logClientEvent } = await import("../../../functions/digitalocean-log");
    const sandbox = await startSandbox({ tokens: [DO_TOKEN] });
    try {
      const droplet = sandbox.addDroplet({ name: "gitlab" });
      sandbox.inject({ operationId: "droplets_get", fault: { kind: "rate-limit", retryAfterSeconds: 30 } });
      const api = new DigitalOceanClient({
        token: DO_TOKEN,
        endpoint: sandbox.url,
        clock: sandbox.clock,
        log: logClientEvent,
      });
      const lines = capture();
      await api.getDroplet(droplet.id);
      const [line] = lines();
      expect(line).toMatchObject({
        level: "WARN",
        message: expect.stringMatching(/rate limit \(burst.*waiting 30 s/),
        digitalocean: { event: "rate_limited", waitMs: 30_000 },
      });
      noSentinel();
    } finally {
      await sandbox.close();
    }
  });
});

describe("function metrics", () => {
  it("are embedded-metric-format lines in namespace lifeboat, by plan and by plan and droplet", async () => {
    const { emitMetrics } = await import("../../../functions/metrics");
    const lines = capture();
    emitMetrics(
      metricsOfEvent({
        type: "droplet.powered_on",
        runId: "r",
        plan: "nightly",
        droplet: "gitlab",
        at: new Date().toISOString(),
        dropletId: 1,
        downtimeSeconds: 95,
        containersRestarted: [],
        containersFailed: [],
      }),
    );
    const [byPlan, byDroplet, ...more] = lines();
    expect(more).toEqual([]);
    expect(byPlan).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: "lifeboat", Dimensions: [["plan"]], Metrics: [{ Name: "DowntimeSeconds", Unit: "Seconds" }] },
        ],
      },
      plan: "nightly",
      DowntimeSeconds: 95,
    });
    expect(byDroplet).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: "lifeboat", Dimensions: [["plan", "droplet"]] }] },
      plan: "nightly",
      droplet: "gitlab",
      DowntimeSeconds: 95,
    });
    for (const emf of [byPlan, byDroplet]) expect(emf).not.toHaveProperty("service");
  });
});
