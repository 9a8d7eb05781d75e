/**
 * The HTTP pinger against loopback servers: the healthchecks.io protocol's suffixes, methods,
 * body and `rid`; retries that are bounded in count and time; a dead or hanging service that
 * resolves with a failure (never a throw) without the URL in it.
 */
import { httpPinger, runUuid } from "@lifeboat/ping";
import { afterEach, describe, expect, it } from "vitest";
import { startRecordingServer } from "../../support/recording-server";
import { refusingUrl, startHangingServer } from "./dead-servers";

const CHECK = "5e2b8c3d-1f3e-4c1e-9f1a-7b4c1e1ac0de";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function recorder(status = 200) {
  const server = await startRecordingServer(() => ({ status, body: "OK" }));
  closers.push(server.close);
  return server;
}

describe("httpPinger", () => {
  it("start is a GET of <url>/start, success a POST of <url>, fail a POST of <url>/fail; each with the run's rid", async () => {
    const server = await recorder();
    const pinger = httpPinger();
    const url = `${server.url}/ping/${CHECK}`;
    const runId = "weekly-20260104T030000Z";
    expect(await pinger.ping({ url, signal: "start", runId })).toEqual({ ok: true, attempts: 1 });
    await pinger.ping({ url, signal: "success", runId, body: "all good" });
    await pinger.ping({ url: `${url}/`, signal: "fail", runId, body: "gitlab: failed — snapshot ✗" });

    const rid = runUuid(runId);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /ping/${CHECK}/start?rid=${rid}`,
      `POST /ping/${CHECK}?rid=${rid}`,
      `POST /ping/${CHECK}/fail?rid=${rid}`,
    ]);
    expect(server.requests[1]!.body).toBe("all good");
    expect(server.requests[2]!.body).toBe("gitlab: failed — snapshot ✗");
    expect(server.requests[2]!.headers["content-type"]).toBe("text/plain; charset=utf-8");
  });

  it("rid: a canonical lower-case UUID, the same for the same run id in any process, another for another run", () => {
    const rid = runUuid("weekly-20260104T030000Z");
    expect(rid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(runUuid("weekly-20260104T030000Z")).toBe(rid);
    expect(runUuid("weekly-20260111T030000Z")).not.toBe(rid);
  });

  it("keeps the configured URL's own query (e.g. an Uptime Kuma push URL's) beside rid", async () => {
    const server = await recorder();
    await httpPinger().ping({ url: `${server.url}/api/push/abc123?status=up`, signal: "success", runId: "r" });
    expect(server.requests[0]!.path).toBe(`/api/push/abc123?status=up&rid=${runUuid("r")}`);
  });

  it("a 5xx is tried again; a 404 (a wrong or deleted check) is not", async () => {
    const answers = [503, 200];
    const flaky = await startRecordingServer(() => ({ status: answers.shift() ?? 200 }));
    closers.push(flaky.close);
    const pinger = httpPinger({ retryDelayMs: 10 });
    expect(await pinger.ping({ url: `${flaky.url}/${CHECK}`, signal: "start", runId: "r" })).toEqual({
      ok: true,
      attempts: 2,
    });

    const missing = await recorder(404);
    const lines: string[] = [];
    const result = await httpPinger({ retryDelayMs: 10, log: (l) => lines.push(l) }).ping({
      url: `${missing.url}/${CHECK}`,
      signal: "fail",
      runId: "r",
      body: "x",
    });
    expect(result).toEqual({ ok: false, attempts: 1, error: "HTTP 404" });
    expect(missing.requests).toHaveLength(1);
    expect(lines).toEqual([`fail ping to ${missing.url}/…c0de failed after 1 try: HTTP 404`]);
  });

  it("nobody listening: 3 tries, then a failure that does not quote the URL; bounded by the pauses", async () => {
    const url = await refusingUrl(`/ping/${CHECK}`);
    const lines: string[] = [];
    const began = Date.now();
    const result = await httpPinger({ retryDelayMs: 20, log: (l) => lines.push(l) }).ping({
      url,
      signal: "start",
      runId: "r",
    });
    expect(Date.now() - began).toBeLessThan(2000);
    expect(result).toEqual({ ok: false, attempts: 3, error: "network error ECONNREFUSED" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^start ping to http:\/\/127\.0\.0\.1:\d+\/…c0de failed after 3 tries: network error/);
    expect(lines.join("")).not.toContain(CHECK);
  });

  it("a server that never answers: each try ends at the timeout; the whole ping within tries × timeout + pauses", async () => {
    const hanging = await startHangingServer();
    closers.push(hanging.close);
    const began = Date.now();
    const result = await httpPinger({ timeoutMs: 150, tries: 2, retryDelayMs: 20 }).ping({
      url: `${hanging.url}/${CHECK}`,
      signal: "success",
      runId: "r",
      body: "x",
    });
    const took = Date.now() - began;
    expect(result).toEqual({ ok: false, attempts: 2, error: "no answer within 150 ms" });
    expect(hanging.requests()).toBe(2);
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(1500);
  });
});
