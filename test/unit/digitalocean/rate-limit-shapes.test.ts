/**
 * DO's two 429s (its API reference, "Rate Limit"): the hour used up answers
 * `ratelimit-remaining: 0` and a `ratelimit-reset` only; the burst limit (250 a minute) answers
 * `ratelimit-remaining: 0`, the hour's `ratelimit-reset` (up to an hour away) and
 * `retry-after: 29`. All on the sandbox's virtual clock: no real waits.
 */
import { DigitalOceanError } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, expect, it } from "vitest";
import { expectSpecCompliant } from "../sandbox/openapi-check";
import { clientFor, requestsFor } from "./helpers";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  if (!sandbox) return;
  await expectSpecCompliant(sandbox);
  await sandbox.close();
  sandbox = undefined;
}, 60_000); // the first spec check loads DO's spec (slow on a busy machine)

/** Another process (the Lambda, a second CLI) spending the same token's requests. */
async function spendElsewhere(s: Sandbox, requests: number) {
  for (let i = 0; i < requests; i++) {
    const r = await fetch(`${s.url}/droplets`, { headers: { authorization: `Bearer ${s.token}` } });
    expect(r.status).toBe(200);
    await r.body?.cancel();
  }
}

const ask = (s: Sandbox) =>
  fetch(`${s.url}/droplets`, { headers: { authorization: `Bearer ${s.token}` } }).then(async (r) => {
    await r.body?.cancel();
    return { status: r.status, headers: Object.fromEntries(r.headers) };
  });

it("the sandbox answers the burst limit and the used-up hour in DO's two shapes", async () => {
  sandbox = await startSandbox({ rateLimits: { perMinute: 5, perHour: 8 } });
  const start = sandbox.clock.now();
  const reset = String(Math.ceil((start + 3_600_000) / 1000));
  await spendElsewhere(sandbox, 5);
  sandbox.advance(31_000);
  const burst = await ask(sandbox);
  expect(burst.status).toBe(429);
  expect(burst.headers).toMatchObject({ "ratelimit-remaining": "0", "ratelimit-reset": reset, "retry-after": "29" });

  sandbox.advance(29_000);
  await spendElsewhere(sandbox, 3);
  const hourly = await ask(sandbox);
  expect(hourly.status).toBe(429);
  expect(hourly.headers).toMatchObject({ "ratelimit-remaining": "0", "ratelimit-reset": reset });
  expect(hourly.headers["retry-after"]).toBeUndefined();
});

it("a 100-droplet read that bursts waits retry-after (29 s), not until the hour's reset", async () => {
  sandbox = await startSandbox();
  const droplets = Array.from({ length: 100 }, (_, i) => sandbox!.addDroplet({ name: `d${i}` }));
  await spendElsewhere(sandbox, 250); // the minute's whole allowance, spent by another process
  sandbox.advance(31_000);
  const { client, logs } = clientFor(sandbox);
  const start = sandbox.clock.now();
  const read = await Promise.all(droplets.map((d) => client.getDroplet(d.id)));
  expect(read.map((d) => d.id)).toEqual(droplets.map((d) => d.id));
  const refused = sandbox.log.filter((x) => x.status === 429);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused[0]!.responseHeaders).toMatchObject({ "ratelimit-remaining": "0", "retry-after": "29" });
  expect(Number(refused[0]!.responseHeaders["ratelimit-reset"]) * 1000 - start).toBeGreaterThan(3_500_000);
  // Before the fix the budget took that `ratelimit-remaining: 0` for the hour and held all 100 reads ~59 min.
  expect(sandbox.clock.now() - start).toBeLessThan(60_000);
  expect(logs.find((l) => l.event === "rate_limited")).toEqual({
    event: "rate_limited",
    operation: "read",
    waitMs: 29_000,
    limit: "burst",
  });
});

it("with the hour used up (no retry-after) waits until the reset and reports it", async () => {
  sandbox = await startSandbox({ rateLimits: { perHour: 10 } });
  const d = sandbox.addDroplet({ name: "gitlab" });
  await spendElsewhere(sandbox, 10);
  sandbox.advance(20 * 60_000);
  const { client, logs } = clientFor(sandbox);
  const start = sandbox.clock.now();
  expect((await client.getDroplet(d.id)).name).toBe("gitlab");
  const waited = sandbox.clock.now() - start;
  expect(waited).toBeGreaterThanOrEqual(40 * 60_000);
  expect(waited).toBeLessThanOrEqual(40 * 60_000 + 1_000);
  expect(requestsFor(sandbox, "droplets_get").map((x) => x.status)).toEqual([429, 200]);
  expect(logs.filter((l) => l.event === "rate_limited")).toEqual([
    { event: "rate_limited", operation: "read", waitMs: 40 * 60_000, limit: "hourly" },
  ]);
});

it("a wait for the reset past maxRateLimitWaitMs fails at once, saying until when", async () => {
  sandbox = await startSandbox({ rateLimits: { perHour: 10 } });
  const d = sandbox.addDroplet({ name: "gitlab" });
  await spendElsewhere(sandbox, 10);
  sandbox.advance(20 * 60_000);
  const { client, logs } = clientFor(sandbox, { retry: { maxRateLimitWaitMs: 10 * 60_000 } });
  const start = sandbox.clock.now();
  const error = await client.getDroplet(d.id).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DigitalOceanError);
  const until = new Date(start + 40 * 60_000).toISOString();
  expect(error).toMatchObject({ status: 429, doId: "too_many_requests", dropletId: d.id });
  expect((error as DigitalOceanError).message).toContain(
    `hourly request limit is used up until ${until} (40 min from now), longer than lifeboat waits for one request (10 min)`,
  );
  expect(sandbox.clock.now()).toBe(start);
  expect(requestsFor(sandbox, "droplets_get")).toHaveLength(1);
  expect(logs).toEqual([]);
});
