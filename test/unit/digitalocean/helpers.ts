import { type ClientLogEvent, DigitalOceanClient, type DigitalOceanClientOptions } from "@lifeboat/digitalocean";
import type { Sandbox } from "@lifeboat/sandbox";

/** A client aimed at the sandbox, on its virtual clock, with its log kept for inspection. */
export function clientFor(sandbox: Sandbox, options: Partial<DigitalOceanClientOptions> = {}) {
  const logs: ClientLogEvent[] = [];
  const client = new DigitalOceanClient({
    token: sandbox.token,
    endpoint: sandbox.url,
    clock: sandbox.clock,
    random: () => 0.5,
    log: (e) => logs.push(e),
    ...options,
  });
  return { client, logs };
}

/** Requests the sandbox saw for one operation. */
export const requestsFor = (sandbox: Sandbox, operationId: string) =>
  sandbox.log.filter((x) => x.operationId === operationId);

/** Polls `read` every 15 virtual seconds until `done` holds (at most `timeoutMs`), and returns the last reading. */
export async function pollUntil<T>(
  sandbox: Sandbox,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 600_000,
): Promise<T> {
  const deadline = sandbox.clock.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || sandbox.clock.now() >= deadline) return value;
    await sandbox.clock.sleep(15_000);
  }
}
