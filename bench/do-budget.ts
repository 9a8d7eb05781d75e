/**
 * API calls one full backup cycle costs per droplet, under DO's real rate limits: 100 droplets
 * (24 GB used disk each, so 24 virtual minutes of snapshot) are each read, shut down, waited
 * for "off", snapshotted, waited for, powered on and waited for "active", all at once, through
 * the client's waiting helpers against the sandbox on virtual time. Target: ≤ 12 calls per
 * droplet and no 429.
 */
import { DigitalOceanClient, snapshotPlan, waitForAction, waitForDropletStatus } from "@lifeboat/digitalocean";
import { startSandbox } from "@lifeboat/sandbox";

const DROPLETS = 100;
const USED_GB = 24;

const sandbox = await startSandbox();
const client = new DigitalOceanClient({ token: sandbox.token, endpoint: sandbox.url, clock: sandbox.clock });
const droplets = Array.from({ length: DROPLETS }, (_, i) =>
  sandbox.addDroplet({ name: `bench-${i}`, diskGb: 50, usedDiskGb: USED_GB }),
);
const startVirtual = sandbox.clock.now();
const startReal = performance.now();
const shutdownPlan = { expectedMs: 20_000, timeoutMs: 180_000 };

await Promise.all(
  droplets.map(async ({ id, name }) => {
    await client.getDroplet(id);
    await client.shutdown(id);
    await waitForDropletStatus(client, id, "off", shutdownPlan, sandbox.clock).catch(async () => {
      await client.powerOff(id); // the graceful shutdown did not finish in time
      await waitForDropletStatus(client, id, "off", { expectedMs: 10_000, timeoutMs: 120_000 }, sandbox.clock);
    });
    const snap = await client.snapshot(id, `lifeboat-bench-${name}`);
    await waitForAction(client, snap.id, snapshotPlan(USED_GB), sandbox.clock);
    await client.powerOn(id);
    await waitForDropletStatus(client, id, "active", { expectedMs: 30_000, timeoutMs: 600_000 }, sandbox.clock);
  }),
);

const figures = {
  droplets: DROPLETS,
  apiCalls: sandbox.log.length,
  callsPerDroplet: Number((sandbox.log.length / DROPLETS).toFixed(2)),
  rateLimited429: sandbox.log.filter((x) => x.status === 429).length,
  virtualWallMinutes: Number(((sandbox.clock.now() - startVirtual) / 60_000).toFixed(1)),
  realSeconds: Number(((performance.now() - startReal) / 1000).toFixed(2)),
  snapshots: sandbox.state.snapshots.size,
  allActive: droplets.every((d) => sandbox.droplet(d.id)?.status === "active"),
};
await sandbox.close();

console.log(`DigitalOcean budget: ${DROPLETS} droplets, read → shutdown → snapshot (${USED_GB} min) → power on`);
console.log(`  API calls          ${figures.apiCalls} (${figures.callsPerDroplet} per droplet; target ≤ 12)`);
console.log(`  429s seen          ${figures.rateLimited429} (target 0)`);
console.log(`  virtual wall time  ${figures.virtualWallMinutes} min (real ${figures.realSeconds} s)`);
console.log(`  snapshots made     ${figures.snapshots}; all droplets active again: ${figures.allActive}`);
console.log(JSON.stringify(figures));
