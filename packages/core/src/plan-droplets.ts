/**
 * Which droplets a plan backs up: every droplet its selectors (id, name, tag) name, each once.
 * The routine, the CLI and the Slack app all ask this one question the same way.
 */
import type { DropletSelector, Plan } from "./config/schema";
import type { Droplet, DropletApi } from "./ports/digitalocean";

/**
 * @example const droplets = await planDroplets(api, plan); // gitlab, and every droplet tagged "lifeboat-weekly"
 */
export async function planDroplets(api: Pick<DropletApi, "findDroplets">, plan: Plan): Promise<Droplet[]> {
  const byId = new Map<number, Droplet>();
  for (const selector of plan.droplets) for (const d of await api.findDroplets(selector)) byId.set(d.id, d);
  return [...byId.values()];
}

/** Whether a selector names this droplet (pure: what findDroplets would have matched). */
export function selects(selector: DropletSelector, droplet: Pick<Droplet, "id" | "name" | "tags">): boolean {
  if ("id" in selector) return selector.id === droplet.id;
  if ("name" in selector) return selector.name === droplet.name;
  return droplet.tags.includes(selector.tag);
}

/** Names in `wanted` that are not among the plan's droplets, with a message naming the ones it has. */
export function unknownDroplets(
  plan: Plan,
  droplets: readonly Droplet[],
  wanted: readonly string[],
): string | undefined {
  const unknown = wanted.filter((n) => !droplets.some((d) => d.name === n));
  if (unknown.length === 0) return undefined;
  return `plan "${plan.name}" has no droplet named ${unknown.map((n) => `"${n}"`).join(", ")}; its droplets are: ${droplets.map((d) => d.name).join(", ") || "none"}`;
}
