/**
 * What `backup-run` gives a drill (packages/core/src/drill): the DigitalOcean client and event
 * sink of a run, the SSH side (@lifeboat/remote `drillShell`, with the SSH_PRIVATE_KEY secret
 * and the plan's helper image), and the archive sink the latest run's manifest is read from.
 * The scratch droplet downloads the archives from the bucket itself (presigned URLs): none
 * passes through this function. Thin wiring only; the key is loaded through
 * ./observability.ts, so logs redact it.
 */
import { type DrillDeps, type DrillRequest, findPlan, type LifeboatConfig, type RoutineDeps } from "@lifeboat/core";
import { drillShell, type Logger } from "@lifeboat/remote";
import { drillBackups, type Sink } from "@lifeboat/storage";
import { loadLoggedSecrets } from "./observability";

export function deployedDrillDeps(
  config: LifeboatConfig,
  request: DrillRequest,
  run: Pick<RoutineDeps, "api" | "events">,
  options: { sink: Sink; log?: Logger },
): DrillDeps {
  const plan = findPlan(config, request.plan);
  return {
    api: run.api,
    events: run.events,
    shell: drillShell({
      privateKey: async () => (await loadLoggedSecrets(["SSH_PRIVATE_KEY"])).SSH_PRIVATE_KEY,
      username: config.ssh.user,
      port: config.ssh.port,
      helperImage: plan?.volumes.helperImage ?? "busybox:1.36",
      ...(options.log ? { log: options.log } : {}),
    }),
    backups: drillBackups(options.sink),
  };
}
