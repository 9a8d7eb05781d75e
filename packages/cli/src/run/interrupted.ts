/**
 * After Ctrl-C: what really happened to each droplet. The routine stops waiting for a snapshot
 * when interrupted, but DigitalOcean goes on with it (and the power-on waits for it), so the
 * snapshot's action is asked for once more before the report.
 */
import type { DropletApi, DropletOutcome, PhaseStatus, RunResult } from "@lifeboat/core";
import type { ProgressView } from "./progress";

/**
 * A snapshot whose wait Ctrl-C cut short goes on at DigitalOcean (the power-on waits for it):
 * ask for its action once, and report it done when it is.
 */
export async function snapshotsAfterInterrupt(
  result: RunResult,
  view: ProgressView,
  api: DropletApi,
): Promise<RunResult> {
  const droplets = await Promise.all(
    result.droplets.map(async (d): Promise<DropletOutcome> => {
      const started = view.snapshots().find((s) => s.droplet === d.droplet);
      if (!started || d.snapshot) return d;
      const status = await api.getAction(started.actionId).then(
        (a) => a.status,
        () => started.status,
      );
      if (status !== "completed") return d;
      const phases: Record<string, PhaseStatus> = { ...d.phases, snapshot: "done" };
      // The routine noted the snapshot failed when its wait was cut short; DigitalOcean says otherwise.
      const notes = d.detail.split("; ").filter((n) => n && !n.startsWith("snapshot failed: interrupted"));
      return {
        ...d,
        outcome: Object.values(phases).includes("failed") ? d.outcome : "succeeded",
        snapshot: started.name,
        phases,
        detail: [`snapshot ${started.name} completed after Ctrl-C`, ...notes].join("; "),
      };
    }),
  );
  return { ...result, droplets };
}

/** After Ctrl-C, per droplet: its snapshot, and whether it was powered off and is on again. */
export function interruptionSummary(result: RunResult, view: Pick<ProgressView, "snapshots">): string {
  const lines = result.droplets.map((d) => {
    const started = view.snapshots().find((s) => s.droplet === d.droplet);
    const snapshot = d.snapshot
      ? `snapshot ${d.snapshot} done`
      : started
        ? `snapshot ${started.name} not finished when the run stopped (DigitalOcean may still complete it: \`lifeboat list\`)`
        : "no snapshot taken";
    const power =
      d.phases["power on"] === undefined
        ? "never powered off"
        : d.phases["power on"] === "done"
          ? "powered back on"
          : "NOT back on: the watchdog powers it on after the plan's maxDowntime";
    return `  ${d.droplet}: ${snapshot}; ${power}`;
  });
  return ["Stopped by Ctrl-C:", ...lines].join("\n");
}
