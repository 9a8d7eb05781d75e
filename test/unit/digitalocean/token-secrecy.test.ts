import { inspect } from "node:util";
import { DigitalOceanError } from "@lifeboat/digitalocean";
import { type Sandbox, startSandbox } from "@lifeboat/sandbox";
import { afterEach, beforeEach, expect, it } from "vitest";
import { expectSpecCompliant } from "../sandbox/openapi-check";
import { clientFor } from "./helpers";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ tokens: ["dop_v1_5ecret5ecret5ecret5ecret5ecret5ecret5ecret5ecret5ecret5ecr"] });
});
afterEach(async () => {
  await sandbox.close();
});

it("never puts the token in an error or a log line, whatever goes wrong", async () => {
  const token = sandbox.token;
  const d = sandbox.addDroplet({ name: "gitlab" });
  // A request timeout well above a loopback answer's time on a busy machine, well below the injected latency.
  const { client, logs } = clientFor(sandbox, { timeoutMs: 500, retry: { maxAttempts: 2 } });
  const wrong = clientFor(sandbox, { token: `${token}x` });
  // A power-off behind a long snapshot gives up waiting for the pending event: a timeout error.
  const busy = sandbox.addDroplet({ name: "busy", usedDiskGb: 5 });
  const impatient = clientFor(sandbox, { pendingEvent: { pollMs: 1_000, timeoutMs: 2_000 } });
  sandbox.inject({ operationId: "droplets_get", fault: { kind: "status", status: 500 }, times: 2 });
  sandbox.inject({ operationId: "dropletActions_post", fault: { kind: "drop", when: "before" }, times: 2 });
  sandbox.inject({ operationId: "snapshots_list", fault: { kind: "latency", ms: 1_500 }, times: 2 });
  sandbox.inject({ operationId: "actions_get", fault: { kind: "rate-limit" }, times: 1 });
  const attempts = [
    () => client.getDroplet(d.id),
    () => client.shutdown(d.id),
    () => client.listSnapshots(),
    () => client.getAction(1),
    () => wrong.client.getDroplet(d.id),
    async () => {
      await impatient.client.snapshot(busy.id, "long");
      return impatient.client.powerOff(busy.id);
    },
  ];
  const failures: unknown[] = [];
  for (const attempt of attempts) failures.push(await attempt().catch((e: unknown) => e));
  const errors = failures.filter((f) => f instanceof DigitalOceanError);
  expect(errors.map((e) => e.kind).sort()).toEqual(["api", "api", "api", "network", "network", "timeout"]);
  const seen = [
    ...errors.flatMap((e) => [inspect(e, { depth: 20, showHidden: true }), JSON.stringify(e), String(e), e.stack]),
    ...logs.map((l) => JSON.stringify(l)),
    ...wrong.logs.map((l) => JSON.stringify(l)),
    ...impatient.logs.map((l) => JSON.stringify(l)),
  ].join("\n");
  expect(seen.length).toBeGreaterThan(500);
  expect(seen).not.toContain(token);
  expect(seen).not.toContain(token.slice(8, 30));
  expect(seen).toMatch(/Unable to authenticate you/);
  await expectSpecCompliant(sandbox);
});
