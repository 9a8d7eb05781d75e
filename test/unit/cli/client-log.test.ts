/**
 * The CLI says on stderr when DigitalOcean makes it wait: a 429 from a sandbox (in another
 * "terminal": DIGITALOCEAN_ENDPOINT) gives one line with the wait, and the token never shows.
 */
import { startSandbox } from "@lifeboat/sandbox";
import { afterEach, expect, it, vi } from "vitest";
import { openEnvironment } from "../../../packages/cli/src/environment";

const TOKEN = "sentinel-cli-token-3e8d1f";

afterEach(() => vi.restoreAllMocks());

it("prints a line on stderr for a 429 wait, without the token", async () => {
  const sandbox = await startSandbox({ time: "real", speed: 100, tokens: [TOKEN] });
  const stderr: string[] = [];
  try {
    const droplet = sandbox.addDroplet({ name: "gitlab" });
    const env = await openEnvironment({
      speed: 100,
      env: { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_ENDPOINT: sandbox.url },
    });
    sandbox.inject({ operationId: "droplets_get", fault: { kind: "rate-limit", retryAfterSeconds: 30 } });
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    await env.api.getDroplet(droplet.id);
    await env.close();
  } finally {
    await sandbox.close();
  }
  expect(stderr).toHaveLength(1);
  expect(stderr[0]).toMatch(
    /^lifeboat: DigitalOcean rate limit \(burst, 250 a minute\) on .+: waiting 30 s, then retrying\n$/,
  );
  expect(stderr.join("")).not.toContain(TOKEN);
});
