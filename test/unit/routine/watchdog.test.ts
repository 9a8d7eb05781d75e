/**
 * The watchdog (packages/core/src/watchdog.ts) against the sandbox: what marks a droplet
 * lifeboat left off, how its power-off is dated (./watchdog-marks.ts: the droplet's newest
 * power action under a claim, which lasts the whole run), when it is powered on, and how
 * expired claims go. Power actions are made through the client on the sandbox's clock, in the
 * past of the round; the calls of a round are read from the sandbox's request log.
 */
import {
  claimTag,
  type LifeboatEvent,
  offMarkerTag,
  validateConfig,
  type WatchdogReport,
  watchdogRound,
} from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import type { Sandbox, SandboxDroplet } from "@lifeboat/sandbox";
import { startSandbox } from "@lifeboat/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { expectSpecCompliant } from "../sandbox/openapi-check";
import { planInput } from "./world";

const HOUR = 3_600_000;
const MIN = 60_000;
/** When the watchdog's rounds run; the worlds below start 12 h earlier. */
const ROUND_AT = Date.parse("2026-01-04T06:00:00Z");
/** The sandbox's shutdown takes 15 s: the action completes that long after it was asked. */
const SHUTDOWN_MS = 15_000;

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  for (const s of sandboxes.splice(0)) await s.close();
});

/** Droplets named `names`, all on, selected by one plan (maxDowntime 2h), on a clock 12 h before the round. */
async function fleet(names: string[]) {
  const sandbox = await startSandbox({ startAt: ROUND_AT - 12 * HOUR });
  sandboxes.push(sandbox);
  const clock = sandbox.clock;
  const api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock });
  const config = validateConfig({
    plans: [{ ...(planInput({ maxDowntime: "2h" }).plans[0] as object), droplets: names.map((name) => ({ name })) }],
  } as never);
  const droplets = names.map((name) => sandbox.addDroplet({ name }));
  const events: LifeboatEvent[] = [];
  /** Moves the clock forward to `at`. */
  const to = (at: number) => sandbox.advance(at - clock.now());
  /** Asks DigitalOcean for a power action on the droplet at `at`, and lets it complete. */
  const powerAction = async (d: SandboxDroplet, type: "shutdown" | "power_on", at: number) => {
    to(at);
    await (type === "shutdown" ? api.shutdown(d.id) : api.powerOn(d.id));
    to(at + 30_000);
    await api.getDroplet(d.id); // the sandbox applies actions due at the next request
  };
  /** The run's claim, carried by all of `carriers` (one tag per run). */
  const runClaim = (carriers: SandboxDroplet[], since: number, until: number) => {
    const tag = claimTag({
      rank: 1,
      nonce: "0123456789ab",
      since,
      until,
      plan: "weekly",
      by: "schedule",
      runId: `weekly-${new Date(since).toISOString().replace(/[-:]|\.\d+/g, "")}`,
    });
    sandbox.state.tags.add(tag);
    for (const d of carriers) d.tags.push(tag);
    return tag;
  };
  /** One watchdog round at the clock's time, and the requests it made. */
  const round = async () => {
    const from = sandbox.log.length;
    const report = await watchdogRound(config, {
      api,
      events: { emit: async (e) => void events.push(e) },
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
    });
    return { report, requests: sandbox.log.slice(from) };
  };
  return { sandbox, droplets, events, to, powerAction, runClaim, round };
}

const marked = (report: WatchdogReport, droplet: string) => report.marked.find((m) => m.droplet === droplet);
const actionLookups = (requests: Sandbox["log"]) =>
  requests.filter((r) => r.operationId === "dropletActions_list").map((r) => r.path);
const writes = (requests: Sandbox["log"]) =>
  requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${decodeURIComponent(r.path)}`);

describe("watchdog", () => {
  it("powers on and untags a droplet whose run died while it was off past maxDowntime, and touches nothing else", async () => {
    const sandbox = await startSandbox({ startAt: Date.parse("2026-01-04T06:00:00Z") });
    try {
      const clock = sandbox.clock;
      const api = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock });
      const config = validateConfig({
        plans: [
          {
            ...(planInput({ maxDowntime: "2h" }).plans[0] as object),
            droplets: [{ name: "gitlab" }, { name: "drone" }, { name: "ssh" }],
          },
        ],
      } as never);
      // gitlab: the run tagged it and powered it off 3 h ago, then died.
      const stranded = sandbox.addDroplet({ name: "gitlab", status: "off" });
      const old = offMarkerTag("weekly", stranded.id, new Date(clock.now() - 3 * 3_600_000));
      // drone: off for 30 min under a live run: within budget.
      const recent = sandbox.addDroplet({ name: "drone", status: "off" });
      const fresh = offMarkerTag("weekly", recent.id, new Date(clock.now() - 30 * 60_000));
      // ssh: off without lifeboat's tag (someone switched it off): never touched.
      const manual = sandbox.addDroplet({ name: "ssh", status: "off" });
      for (const [d, tag] of [
        [stranded, old],
        [recent, fresh],
      ] as const) {
        sandbox.state.tags.add(tag);
        d.tags.push(tag);
      }

      const events: LifeboatEvent[] = [];
      const report = await watchdogRound(config, {
        api,
        events: { emit: async (e) => void events.push(e) },
        now: () => clock.now(),
        sleep: (ms) => clock.sleep(ms),
      });

      expect(report.recovered).toEqual(["gitlab"]);
      expect(sandbox.droplet(stranded.id)).toMatchObject({ status: "active", tags: [] });
      expect(sandbox.state.tags.has(old)).toBe(false);
      expect(sandbox.droplet(recent.id)).toMatchObject({ status: "off", tags: [fresh] });
      expect(sandbox.droplet(manual.id)?.status).toBe("off");
      const posts = sandbox.log.filter((r) => r.method !== "GET");
      expect(posts.every((r) => r.path.includes(String(stranded.id)) || r.path.includes("lifeboat-off"))).toBe(true);
      expect(events).toEqual([
        expect.objectContaining({
          type: "watchdog.recovered",
          droplet: "gitlab",
          dropletId: stranded.id,
          offSinceSeconds: 3 * 3600,
          maxDowntimeSeconds: 7200,
        }),
      ]);
    } finally {
      await sandbox.close();
    }
  });

  it("a droplet off since a shutdown 30 min ago is not overdue, though its run's live claim is 5 h old and ends in 10 min", async () => {
    const { sandbox, droplets, powerAction, runClaim, to, round } = await fleet(["drone"]);
    const [drone] = droplets as [SandboxDroplet];
    // A run of several rounds: its claim was made 5 h ago for the whole run; drone's turn came late.
    const claim = runClaim([drone], ROUND_AT - 5 * HOUR, ROUND_AT + 10 * MIN);
    await powerAction(drone, "shutdown", ROUND_AT - 30 * MIN - SHUTDOWN_MS);
    to(ROUND_AT);

    const { report, requests } = await round();

    expect(report.recovered).toEqual([]);
    expect(sandbox.droplet(drone.id)).toMatchObject({ status: "off", tags: [claim] });
    expect(writes(requests)).toEqual([]);
    expect(marked(report, "drone")).toEqual({
      droplet: "drone",
      tag: claim,
      offSinceSeconds: 30 * 60,
      maxDowntimeSeconds: 7200,
      datedBy: `its shutdown at ${new Date(ROUND_AT - 30 * MIN).toISOString()}`,
      lifeboats: true,
    });
    expect(actionLookups(requests)).toEqual([`/v2/droplets/${drone.id}/actions`]);
    await expectSpecCompliant(sandbox);
  }, 120_000);

  it("powers on a droplet off past maxDowntime by its shutdown action, under a live claim made for a long run; keeps the claim", async () => {
    const { sandbox, droplets, events, powerAction, runClaim, to, round } = await fleet(["gitlab", "web"]);
    const [gitlab, web] = droplets as [SandboxDroplet, SandboxDroplet];
    // The claim counts 3 h more (a run of many rounds): it says nothing of when gitlab went off.
    const claim = runClaim([gitlab, web], ROUND_AT - 4 * HOUR, ROUND_AT + 3 * HOUR);
    await powerAction(gitlab, "shutdown", ROUND_AT - 2 * HOUR - 10 * MIN - SHUTDOWN_MS);
    to(ROUND_AT);

    const { report, requests } = await round();

    expect(report.recovered).toEqual(["gitlab"]);
    expect(marked(report, "gitlab")).toMatchObject({ offSinceSeconds: 2 * 3600 + 10 * 60, maxDowntimeSeconds: 7200 });
    expect(marked(report, "gitlab")?.datedBy).toMatch(/^its shutdown at /);
    expect(events).toEqual([
      expect.objectContaining({ type: "watchdog.recovered", droplet: "gitlab", offSinceSeconds: 7800 }),
    ]);
    // A live claim stays: the run may still be alive.
    expect(sandbox.droplet(gitlab.id)).toMatchObject({ status: "active", tags: [claim] });
    expect(sandbox.droplet(web.id)).toMatchObject({ status: "active", tags: [claim] });
    expect(writes(requests)).toEqual([`POST /v2/droplets/${gitlab.id}/actions`]);
    // web is on under the same claim: it costs no look at its actions.
    expect(actionLookups(requests)).toEqual([`/v2/droplets/${gitlab.id}/actions`]);
    await expectSpecCompliant(sandbox);
  }, 120_000);

  it("leaves alone a droplet off under a claim that lifeboat did not power off, says why, and clears its claim once expired", async () => {
    const { sandbox, droplets, powerAction, runClaim, to, round } = await fleet(["drone", "ssh", "gitlab", "web"]);
    const [drone, ssh, gitlab, web] = droplets as [SandboxDroplet, SandboxDroplet, SandboxDroplet, SandboxDroplet];
    // ssh: shut down 10 h ago, before the run that claimed it 3 h ago (its turn has not come yet).
    await powerAction(ssh, "shutdown", ROUND_AT - 10 * HOUR);
    // drone: its newest power action is a power_on; it went off from inside later.
    await powerAction(drone, "power_on", ROUND_AT - 4 * HOUR);
    drone.status = "off";
    const live = runClaim([drone, ssh], ROUND_AT - 3 * HOUR, ROUND_AT + 3 * HOUR);
    // gitlab: no power action at all (went off from inside), under a claim that expired an hour ago,
    // which web, on, carries too.
    gitlab.status = "off";
    const expired = runClaim([gitlab, web], ROUND_AT - 6 * HOUR, ROUND_AT - HOUR);
    to(ROUND_AT);

    const { report, requests } = await round();

    // Each is off for longer than maxDowntime since its claim: the old rule powered them all on.
    expect(report.recovered).toEqual([]);
    for (const d of [drone, ssh, gitlab]) expect(sandbox.droplet(d.id)?.status).toBe("off");
    expect(writes(requests).filter((w) => w.includes("/actions"))).toEqual([]);
    expect(marked(report, "gitlab")).toMatchObject({
      lifeboats: false,
      datedBy: `not powered off by lifeboat (no power action among its recent actions); its claim since ${new Date(ROUND_AT - 6 * HOUR).toISOString()}`,
    });
    expect(marked(report, "drone")).toMatchObject({
      lifeboats: false,
      datedBy: expect.stringContaining("(its newest power action is a power_on: it went off without one)"),
    });
    expect(marked(report, "ssh")?.datedBy).toMatch(
      /\(its shutdown at 2026-01-03T20:00:\d\d\.000Z came before the claim\)/,
    );
    // The live claim stays (the run will come to ssh and drone); the expired one goes, off droplet or not.
    expect(sandbox.droplet(drone.id)?.tags).toEqual([live]);
    expect(sandbox.droplet(ssh.id)?.tags).toEqual([live]);
    expect(sandbox.droplet(gitlab.id)?.tags).toEqual([]);
    expect(sandbox.droplet(web.id)?.tags).toEqual([]);
    expect(sandbox.state.tags.has(expired)).toBe(false);
    await expectSpecCompliant(sandbox);
  }, 120_000);

  it("clears a run's expired claim from a droplet back on, and keeps it on the run's droplet still off until that one is on", async () => {
    const { sandbox, droplets, powerAction, runClaim, to, round } = await fleet(["gitlab", "web"]);
    const [gitlab, web] = droplets as [SandboxDroplet, SandboxDroplet];
    // The run died: its claim expired 30 min ago; gitlab was left off 3 h ago, web was powered on again.
    await powerAction(gitlab, "shutdown", ROUND_AT - 3 * HOUR);
    const claim = runClaim([gitlab, web], ROUND_AT - 6 * HOUR, ROUND_AT - 30 * MIN);
    to(ROUND_AT);
    // gitlab's first power-on fails: it stays off through the first round.
    sandbox.inject({ operationId: "dropletActions_post", dropletId: gitlab.id, fault: { kind: "action-errored" } });

    const first = await round();

    expect(first.report.recovered).toEqual([]);
    expect(first.report.pending).toEqual([expect.stringMatching(/^gitlab: still off 90s after power_on/)]);
    expect(first.report.cleared).toEqual([`web: ${claim}`]);
    expect(sandbox.droplet(web.id)?.tags).toEqual([]);
    expect(sandbox.droplet(gitlab.id)).toMatchObject({ status: "off", tags: [claim] });
    expect(sandbox.state.tags.has(claim)).toBe(true);
    expect(writes(first.requests)).toEqual([
      `POST /v2/droplets/${gitlab.id}/actions`,
      `DELETE /v2/tags/${claim}/resources`,
    ]);
    const untag = first.requests.find((r) => r.method === "DELETE");
    expect(untag?.body).toEqual({ resources: [{ resource_id: String(web.id), resource_type: "droplet" }] });

    sandbox.advance(5 * MIN);
    const second = await round();

    expect(second.report.recovered).toEqual(["gitlab"]);
    expect(second.report.cleared).toEqual([`gitlab: ${claim}`]);
    expect(sandbox.droplet(gitlab.id)).toMatchObject({ status: "active", tags: [] });
    expect(sandbox.state.tags.has(claim)).toBe(false);
    expect(writes(second.requests)).toEqual([`POST /v2/droplets/${gitlab.id}/actions`, `DELETE /v2/tags/${claim}`]);
    await expectSpecCompliant(sandbox);
  }, 120_000);

  it("with nothing of lifeboat's off, a round makes the calls it always made: none per droplet, whatever its claims", async () => {
    const { sandbox, droplets, runClaim, to, round } = await fleet(["gitlab", "drone", "ssh"]);
    const [gitlab, drone, ssh] = droplets as [SandboxDroplet, SandboxDroplet, SandboxDroplet];
    runClaim([gitlab, drone], ROUND_AT - HOUR, ROUND_AT + 2 * HOUR);
    ssh.status = "off"; // switched off by someone, no claim: not lifeboat's
    to(ROUND_AT);

    const { report, requests } = await round();

    expect(report.marked).toEqual([]);
    // One listing per selector (three names), one for drill droplets; no look at any droplet's actions.
    expect(requests.map((r) => `${r.method} ${r.path} ${r.query.name ?? r.query.tag_name ?? ""}`.trim())).toEqual([
      "GET /v2/droplets gitlab",
      "GET /v2/droplets drone",
      "GET /v2/droplets ssh",
      "GET /v2/droplets lifeboat-drill",
    ]);
    await expectSpecCompliant(sandbox);
  }, 120_000);
});

describe("the watchdog and claims", () => {
  it("clears an expired claim and never touches a live one, nor a droplet without lifeboat's tags", async () => {
    const { sandbox, droplets, events, runClaim, to, round } = await fleet(["gitlab", "drone", "ssh"]);
    const [gitlab, drone, ssh] = droplets as [SandboxDroplet, SandboxDroplet, SandboxDroplet];
    ssh.tags.push("production");
    const live = runClaim([gitlab], ROUND_AT - HOUR, ROUND_AT + 1.5 * HOUR);
    const expired = runClaim([drone], ROUND_AT - 3 * HOUR, ROUND_AT - 0.5 * HOUR);
    to(ROUND_AT);

    const { report, requests } = await round();

    expect(report.cleared).toEqual([`drone: ${expired}`]);
    expect(sandbox.droplet(gitlab.id)!.tags).toEqual([live]);
    expect(sandbox.state.tags.has(live)).toBe(true);
    expect(sandbox.droplet(drone.id)!.tags).toEqual([]);
    expect(sandbox.state.tags.has(expired)).toBe(false);
    expect(sandbox.droplet(ssh.id)!.tags).toEqual(["production"]);
    // No droplet of that run is still off: the tag goes, in one call after one listing.
    expect(writes(requests)).toEqual([`DELETE /v2/tags/${expired}`]);
    expect(requests.filter((r) => r.query.tag_name === expired)).toHaveLength(1);
    expect(events).toEqual([]);
    await expectSpecCompliant(sandbox);
  }, 120_000);
});
