/**
 * Cloud Firewalls: `POST`/`PUT /v2/firewalls` bodies read into the sandbox's state, refused
 * with DO's 400 when the spec's required parts are missing. A firewall applies to droplets by
 * id or by tag, from the moment a droplet carries the tag (state.ts `firewallsCovering`).
 */
import { randomUUID } from "node:crypto";
import type { RouteResult } from "./routes";
import type { SandboxFirewall, SandboxFirewallChange, SandboxFirewallRule, SandboxState } from "./state";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9.-]+$/;
const PROTOCOLS = new Set(["tcp", "udp", "icmp"]);

const badRequest = (message: string): RouteResult => ({ status: 400, body: { id: "bad_request", message } });

type Body = Record<string, unknown>;

function rules(value: unknown, target: "sources" | "destinations"): SandboxFirewallRule[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return `${target === "sources" ? "inbound" : "outbound"}_rules must be an array`;
  const read: SandboxFirewallRule[] = [];
  for (const rule of value as Body[]) {
    const protocol = rule?.protocol;
    if (typeof protocol !== "string" || !PROTOCOLS.has(protocol)) return `protocol must be tcp, udp or icmp`;
    const ports = rule.ports ?? (protocol === "icmp" ? "0" : undefined);
    if (typeof ports !== "string" || !/^(all|\d{1,5}(-\d{1,5})?)$/.test(ports))
      return `ports "${String(ports)}" is invalid`;
    const to = rule[target] as { addresses?: unknown } | undefined;
    if (!to || typeof to !== "object") return `each rule needs ${target}`;
    const addresses = Array.isArray(to.addresses) ? to.addresses.filter((a): a is string => typeof a === "string") : [];
    read.push({ protocol: protocol as SandboxFirewallRule["protocol"], ports, addresses });
  }
  return read;
}

/** A firewall from a create or update body; the problem in words when DO would refuse it. */
export function readFirewall(
  body: unknown,
  base: Pick<SandboxFirewall, "id" | "createdAt">,
): SandboxFirewall | RouteResult {
  const b = (body ?? {}) as Body;
  if (typeof b.name !== "string" || !NAME.test(b.name)) return badRequest("name is invalid or missing");
  if (b.inbound_rules === undefined && b.outbound_rules === undefined) {
    return badRequest("at least one inbound or outbound rule is required");
  }
  const inbound = rules(b.inbound_rules, "sources");
  const outbound = rules(b.outbound_rules, "destinations");
  if (typeof inbound === "string") return badRequest(inbound);
  if (typeof outbound === "string") return badRequest(outbound);
  const tags = Array.isArray(b.tags) ? b.tags.filter((t): t is string => typeof t === "string") : [];
  const dropletIds = Array.isArray(b.droplet_ids) ? b.droplet_ids.map(Number).filter(Number.isInteger) : [];
  return { ...base, name: b.name, tags, dropletIds, inboundRules: inbound, outboundRules: outbound };
}

export function newFirewallBase(state: SandboxState, now: number): Pick<SandboxFirewall, "id" | "createdAt"> {
  let id = randomUUID();
  while (state.firewalls.has(id)) id = randomUUID();
  return { id, createdAt: now };
}

/** A deep copy: what a firewall was at one moment, not what it becomes. */
export const firewallCopy = (f: SandboxFirewall): SandboxFirewall => structuredClone(f);

/** Notes a change in `state.firewallChanges`, at the sandbox's time. */
export function recordFirewallChange(
  state: SandboxState,
  change: SandboxFirewallChange["change"],
  firewall: SandboxFirewall,
): void {
  state.firewallChanges.push({ at: state.now(), change, firewall: firewallCopy(firewall) });
}
