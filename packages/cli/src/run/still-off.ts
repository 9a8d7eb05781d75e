/**
 * The last line of a run whose power-on failed: the droplet may still be off, and on this
 * machine nothing watches it, so the line names the command that brings it back.
 */
import type { Plan, RunResult } from "@lifeboat/core";

/** Undefined when every power-on went through. */
export function stillOffLine(result: RunResult, plan: Plan): string | undefined {
  const off = result.droplets.filter((d) => d.phases["power on"] === "failed").map((d) => d.droplet);
  if (off.length === 0) return undefined;
  const them = off.length === 1 ? "it" : "them";
  return (
    `${off.join(", ")} may still be off: run \`lifeboat watchdog --once\` to power ${them} on ` +
    `(it does once ${them === "it" ? "it has" : "they have"} been off for the plan's maxDowntime, ${plan.snapshot.maxDowntime.text}), ` +
    `or power ${them} on in the DigitalOcean control panel now.`
  );
}
