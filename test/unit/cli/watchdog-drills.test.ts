/** `lifeboat watchdog --once` destroys a stale drill droplet and says so; a young one is left alone. */
import { drillTags } from "@lifeboat/core";
import { startSandbox } from "@lifeboat/sandbox";
import { describe, expect, it } from "vitest";
import { sandboxEnv, startLifeboat } from "./cli-process";

describe("lifeboat watchdog --once: drill droplets", () => {
  it("destroys the one past its limit and names it, leaves the young one", async () => {
    const sandbox = await startSandbox({ time: "real" });
    try {
      const stale = sandbox.addDroplet({ name: "drill-gitlab-a", tags: drillTags("weekly", "a") });
      stale.createdAt -= 3 * 3_600_000;
      const young = sandbox.addDroplet({ name: "drill-gitlab-b", tags: drillTags("weekly", "b") });
      const cli = startLifeboat(
        ["watchdog", "--once"],
        sandboxEnv({ DIGITALOCEAN_ENDPOINT: sandbox.url, DIGITALOCEAN_TOKEN: sandbox.token }),
      );
      expect(await cli.exit, cli.stderr() + cli.stdout()).toBe(0);
      expect(cli.stdout()).toMatch(/drill-gitlab-a: destroyed \(a drill droplet past its limit\)/);
      expect(cli.stdout()).toMatch(/drill droplet drill-gitlab-b: \d+s old of its 7200s limit \(young: left alone\)/);
      expect(sandbox.state.destroyed.has(stale.id)).toBe(true);
      expect(sandbox.state.droplets.has(young.id)).toBe(true);
    } finally {
      await sandbox.close();
    }
  }, 60_000);
});
