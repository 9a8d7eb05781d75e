/**
 * What a drill checks against (core's `DrillBackups`): a droplet's latest complete archive run,
 * read from its manifest — the containers it names (captured images, volume owners) and its
 * volume archives with their sha256.
 */
import type { DrillBackups } from "@lifeboat/core";
import { listRuns } from "./catalog";
import type { Sink } from "./sink";

/** @example const backups = drillBackups(sink); const latest = await backups.latest("gitlab"); */
export function drillBackups(sink: Sink): DrillBackups {
  return {
    latest: async (droplet) => {
      const run = (await listRuns(sink, droplet)).runs[0];
      if (!run) return undefined;
      const { containers, volumes } = run.manifest;
      const names = [
        ...containers.map((c) => c.container),
        ...volumes.flatMap((v) => (v.container ? [v.container] : [])),
      ];
      return {
        runId: run.runId,
        containers: [...new Set(names)],
        volumes: volumes.map((v) => ({
          volume: v.volume,
          key: v.key,
          bytes: v.bytes,
          sha256: v.sha256,
          compression: v.compression,
        })),
      };
    },
  };
}
