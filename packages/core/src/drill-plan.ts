/**
 * Which plan a drill of one droplet runs under (#15 §2): `/lifeboat drill` and `lifeboat drill`
 * both ask here. A drill boots the droplet's latest lifeboat snapshot, so only a plan that takes
 * snapshots can drill it; a droplet in several such plans must be told which.
 */
import { findPlan, unknownPlanMessage } from "./config/plan-named";
import type { LifeboatConfig, Plan } from "./config/schema";

export type DrillPlanChoice = { ok: true; plan: Plan } | { ok: false; problem: string };

const takesSnapshots = (plan: Plan) => plan.snapshot.mode !== "none";

/**
 * @param droplet the droplet's name and the plans whose selectors pick it
 * @param requested the plan the user named, if any
 * @example drillPlanOf(config, { name: "gitlab", plans: ["weekly", "nightly"] }) // { ok: true, plan: weekly } (nightly takes no snapshots)
 */
export function drillPlanOf(
  config: LifeboatConfig,
  droplet: { name: string; plans: readonly string[] },
  requested?: string,
): DrillPlanChoice {
  const fail = (problem: string): DrillPlanChoice => ({ ok: false, problem });
  if (droplet.plans.length === 0) {
    return fail(`droplet "${droplet.name}" is in no lifeboat plan; add it to a plan's droplets in lifeboat.config.ts`);
  }
  if (requested !== undefined) {
    const plan = findPlan(config, requested);
    if (!plan) return fail(unknownPlanMessage(config, requested));
    if (!droplet.plans.includes(plan.name)) {
      return fail(`droplet "${droplet.name}" is not in plan "${plan.name}"; it is in: ${droplet.plans.join(", ")}`);
    }
    if (!takesSnapshots(plan)) {
      return fail(
        `plan "${plan.name}" takes no snapshots (snapshot.mode "none"), so it has none to drill; name a plan of "${droplet.name}" that does`,
      );
    }
    return { ok: true, plan };
  }
  const candidates = droplet.plans.flatMap((name) => {
    const plan = findPlan(config, name);
    return plan && takesSnapshots(plan) ? [plan] : [];
  });
  const [only] = candidates;
  if (only && candidates.length === 1) return { ok: true, plan: only };
  if (candidates.length === 0) {
    return fail(
      `no plan of "${droplet.name}" takes snapshots (its plans: ${droplet.plans.join(", ")}), so there is no snapshot to drill`,
    );
  }
  return fail(
    `"${droplet.name}" is in several plans that take snapshots (${candidates.map((p) => p.name).join(", ")}); name the plan to drill`,
  );
}
