/**
 * The names a restore drill puts on DigitalOcean, in one place (#15 §2):
 * - every scratch droplet carries `DRILL_TAG` from creation: the isolating firewall applies to
 *   that tag (so the droplet is covered before it first boots) and the watchdog destroys stale
 *   droplets carrying it — and only those;
 * - and a per-drill tag `lifeboat-drill:<plan>:<drill id>` that says which plan's `drill.maxAge`
 *   applies and which drill made it.
 * DigitalOcean tag names allow letters, digits, `_`, `-` and `:`, up to 255 characters; plans
 * are slugs and drill ids execution names (`[A-Za-z0-9_-]`, ≤ 64), so the tag stays under 110.
 */
import type { LifeboatConfig } from "../config/schema";
import type { DropletFirewallSpec, FirewallSpec } from "../ports/digitalocean";

/** The tag every drill droplet carries; the firewall applies to it, the watchdog looks for it. */
export const DRILL_TAG = "lifeboat-drill";

/** The Cloud Firewall on `DRILL_TAG`: made once, reused by every drill. */
export const DRILL_FIREWALL_NAME = "lifeboat-drill-isolation";

/** How long a drill droplet may live when its plan says nothing (or is gone from the config). */
export const DEFAULT_DRILL_MAX_AGE_SECONDS = 7200;

const DRILL_ID_TAG = /^lifeboat-drill:([a-z0-9-]{1,32}):([A-Za-z0-9_-]{1,64})$/;

/** @example drillIdTag("weekly", "weekly-20261129T030000Z") // "lifeboat-drill:weekly:weekly-20261129T030000Z" */
export function drillIdTag(plan: string, drillId: string): string {
  const tag = `${DRILL_TAG}:${plan}:${drillId}`;
  if (!DRILL_ID_TAG.test(tag)) {
    throw new Error(
      `cannot tag drill "${drillId}" of plan "${plan}": the drill id must be letters, digits, "_" and "-" (at most 64)`,
    );
  }
  return tag;
}

/** The plan and drill id in a per-drill tag; undefined for any other tag (`DRILL_TAG` itself included). */
export function parseDrillIdTag(tag: string): { plan: string; drillId: string } | undefined {
  const match = DRILL_ID_TAG.exec(tag);
  return match ? { plan: match[1]!, drillId: match[2]! } : undefined;
}

/** Both tags a scratch droplet is created with. */
export function drillTags(plan: string, drillId: string): string[] {
  return [DRILL_TAG, drillIdTag(plan, drillId)];
}

/**
 * The scratch droplet's name: the drilled droplet's and the drill id, so one drill of several
 * droplets gives each its own name (the DO client finds a create whose answer was lost by
 * name). A hostname label: lower-case letters, digits and dashes, at most 63; a longer one is
 * cut and ends in a hash of the whole so two names still differ.
 * @example drillDropletName("gitlab", "weekly-20261129T030000Z") // "drill-gitlab-weekly-20261129t030000z"
 */
export function drillDropletName(droplet: string, drillId: string): string {
  const whole = `drill-${droplet}-${drillId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+$/, "");
  if (whole.length <= 63) return whole;
  return `${whole.slice(0, 54).replace(/-+$/, "")}-${fnv1a(whole)}`;
}

/**
 * The isolating firewall (#15 §2): inbound SSH only and no outbound traffic, so the clone cannot
 * act as production. `outboundTcpPorts` opens outbound (e.g. `[443]` for a volume restore's
 * download, while the workload's containers are stopped).
 */
export function drillFirewall(outboundTcpPorts: number[] = []): FirewallSpec {
  return { name: DRILL_FIREWALL_NAME, tag: DRILL_TAG, inboundTcpPorts: [22], outboundTcpPorts };
}

/** Every per-drill egress firewall's name starts so; the scratch droplet's id follows. */
export const DRILL_EGRESS_FIREWALL_PREFIX = "lifeboat-drill-egress-";

/**
 * Outbound traffic for one scratch droplet, by its id (no other droplet, not the drill tag),
 * while its containers are stopped for a volume restore's download: TCP to the store's ports,
 * and DNS (UDP and TCP 53) to find the store. Firewall names allow letters, digits, "." and
 * "-" only, so the droplet's id names it, not the drill id.
 * @example drillEgressFirewall(4711, [443]).name // "lifeboat-drill-egress-4711"
 */
export function drillEgressFirewall(scratchDropletId: number, storePorts: number[]): DropletFirewallSpec {
  const tcp = [...new Set([...storePorts, 53])].sort((a, b) => a - b);
  return {
    name: `${DRILL_EGRESS_FIREWALL_PREFIX}${scratchDropletId}`,
    dropletIds: [scratchDropletId],
    outbound: [...tcp.map((port) => ({ protocol: "tcp" as const, port })), { protocol: "udp", port: 53 }],
  };
}

/** The age limit of a droplet with these tags, in seconds: its plan's `drill.maxAge`, else 2h. */
export function drillMaxAgeSeconds(tags: string[], config: LifeboatConfig): number {
  for (const tag of tags) {
    const parsed = parseDrillIdTag(tag);
    if (!parsed) continue;
    const plan = config.plans.find((p) => p.name === parsed.plan);
    return plan?.drill?.maxAge.seconds ?? DEFAULT_DRILL_MAX_AGE_SECONDS;
  }
  return DEFAULT_DRILL_MAX_AGE_SECONDS;
}

export interface DrillDropletAge {
  ageSeconds: number;
  maxAgeSeconds: number;
  stale: boolean;
}

/**
 * Whether a droplet is a stale drill droplet: it carries `DRILL_TAG` and lived past its plan's
 * `drill.maxAge` since `createdAt`. A droplet without the tag is never stale, whatever its name.
 */
export function drillDropletAge(
  droplet: { tags: string[]; createdAt: string },
  config: LifeboatConfig,
  now: number,
): DrillDropletAge {
  const maxAgeSeconds = drillMaxAgeSeconds(droplet.tags, config);
  const created = Date.parse(droplet.createdAt);
  // An unreadable creation time counts as old: the tag says lifeboat made it for a drill.
  const ageSeconds = Number.isNaN(created) ? Number.POSITIVE_INFINITY : Math.floor((now - created) / 1000);
  return { ageSeconds, maxAgeSeconds, stale: droplet.tags.includes(DRILL_TAG) && ageSeconds > maxAgeSeconds };
}

/** 32-bit FNV-1a as 8 hex digits: a short, stable suffix (not security). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
