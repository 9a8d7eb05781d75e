/**
 * Which containers and volumes a plan archives on a droplet: its `containers` and `volumes`
 * include/exclude globs over the inventory (no containers when `capture` is "none"). One
 * function for the archive step and for a dry run's preview, so both name the same things.
 */
import type { Plan } from "@lifeboat/core";
import type { ContainerInfo, Inventory, VolumeInfo } from "./inventory";
import { selectNames } from "./select";

/** @example archiveSelection(await inventory(session), plan) // { containers: [gitlab], volumes: [gitlab-data] } */
export function archiveSelection(
  found: Inventory,
  plan: Pick<Plan, "containers" | "volumes">,
): { containers: ContainerInfo[]; volumes: VolumeInfo[] } {
  const pick = <T extends { name: string }>(items: T[], filter: { include: string[]; exclude: string[] }) => {
    const names = new Set(
      selectNames(
        items.map((i) => i.name),
        filter,
      ),
    );
    return items.filter((i) => names.has(i.name));
  };
  return {
    containers: plan.containers.capture === "none" ? [] : pick(found.containers, plan.containers),
    volumes: pick(found.volumes, plan.volumes),
  };
}
