/**
 * The demo fleet, matching `lifeboat.config.ts` at the repository root: "gitlab" (named by the
 * weekly and nightly plans), "drone" (nightly) and an ssh box tagged "lifeboat-weekly".
 */

import { snapshotName } from "@lifeboat/core";
import type { Sandbox } from "./server";
import type { SandboxDroplet } from "./state";

export interface SampleFleet {
  gitlab: SandboxDroplet;
  drone: SandboxDroplet;
  ssh: SandboxDroplet;
}

/** Adds the sample droplets (and a few older lifeboat snapshots for retention to look at). */
export function addSampleFleet(sandbox: Sandbox): SampleFleet {
  const gitlab = sandbox.addDroplet({ name: "gitlab", diskGb: 50, usedDiskGb: 24, sizeSlug: "s-2vcpu-4gb" });
  const drone = sandbox.addDroplet({ name: "drone", diskGb: 25, usedDiskGb: 9, tags: ["lifeboat-weekly"] });
  const ssh = sandbox.addDroplet({ name: "ssh", diskGb: 25, usedDiskGb: 3, tags: ["lifeboat-weekly"] });
  const week = 7 * 24 * 3_600_000;
  const now = sandbox.clock.now();
  for (const [i, d] of [gitlab, drone, ssh].entries()) {
    for (let w = 1; w <= 3; w++) {
      const at = now - w * week - i * 60_000;
      sandbox.state.addSnapshot(d.id, snapshotName("weekly", d.name, new Date(at)), at);
    }
  }
  sandbox.state.tags.add("lifeboat-weekly");
  return { gitlab, drone, ssh };
}
