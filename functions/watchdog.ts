/**
 * `watchdog`: every 5 minutes (EventBridge rate rule), powers on any droplet lifeboat left off
 * past its plan's maxDowntime and destroys restore-drill droplets past their plan's drill.maxAge
 * (packages/core/src/watchdog.ts). Plain Lambda, not durable: one
 * round waits at most 90 s for `active`, and anything left is retried by the next round.
 */
import { EventBridgeSink, loadSecrets } from "@lifeboat/aws";
import { type WatchdogReport, watchdogRound } from "@lifeboat/core";
import { DigitalOceanClient } from "@lifeboat/digitalocean";
import { config } from "./config";

export async function handler(): Promise<WatchdogReport> {
  const { DIGITALOCEAN_TOKEN } = await loadSecrets(["DIGITALOCEAN_TOKEN"]);
  const report = await watchdogRound(config, {
    api: new DigitalOceanClient({ token: DIGITALOCEAN_TOKEN, pendingEvent: { pollMs: 10_000, timeoutMs: 60_000 } }),
    events: new EventBridgeSink(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  console.log(JSON.stringify({ msg: "watchdog round", ...report }));
  return report;
}
