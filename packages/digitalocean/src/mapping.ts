/** DO's JSON to lifeboat's types; ids normalised here, at the edge (droplet/action numbers, snapshot strings). */
import type {
  Account,
  Droplet,
  DropletAction,
  DropletBackup,
  DropletBackupPolicy,
  DropletFirewall,
  DropletFirewallSpec,
  DropletSize,
  DropletSnapshot,
  DropletStatus,
  Firewall,
  FirewallSpec,
  Image,
  ImageAction,
} from "@lifeboat/core";

// biome-ignore lint/suspicious/noExplicitAny: DO's JSON, typed loosely (and wrongly) by dots-wrapper
type Json = any;

export function toDroplet(d: Json): Droplet {
  const v4 = (d.networks?.v4 ?? []) as Array<{ type?: string; ip_address?: string }>;
  return {
    id: Number(d.id),
    name: String(d.name),
    status: d.status as DropletStatus,
    tags: [...(d.tags ?? [])],
    region: String(d.region?.slug ?? d.region ?? ""),
    sizeSlug: String(d.size_slug ?? d.size?.slug ?? ""),
    diskGb: Number(d.disk),
    publicIpv4: v4.find((n) => n.type === "public")?.ip_address,
    createdAt: String(d.created_at),
    ...(Array.isArray(d.snapshot_ids) ? { snapshotIds: d.snapshot_ids.map(String) } : {}),
  };
}

export function toAction(a: Json): DropletAction {
  return {
    id: Number(a.id),
    type: String(a.type),
    status: a.status,
    startedAt: String(a.started_at),
    completedAt: a.completed_at ?? null,
    dropletId: Number(a.resource_id),
  };
}

/** Both snapshot shapes: `/v2/snapshots` (string ids, resource_id) and `/v2/droplets/{id}/snapshots` (integer ids). */
export function toSnapshot(s: Json, dropletId?: number): DropletSnapshot {
  return {
    id: String(s.id),
    name: String(s.name),
    createdAt: String(s.created_at),
    sizeGb: Number(s.size_gigabytes),
    minDiskGb: Number(s.min_disk_size),
    dropletId: dropletId ?? Number(s.resource_id),
    regions: [...(s.regions ?? [])],
  };
}

export function toBackup(b: Json, dropletId: number): DropletBackup {
  return { ...toSnapshot(b, dropletId) };
}

/** One value of `GET /v2/droplets/backups/policies`'s `policies` map. */
export function toBackupPolicy(p: Json): DropletBackupPolicy {
  const policy = p.backup_policy;
  const window = p.next_backup_window;
  return {
    dropletId: Number(p.droplet_id),
    enabled: p.backup_enabled === true,
    ...(policy?.plan
      ? {
          policy: {
            plan: policy.plan,
            ...(policy.weekday ? { weekday: policy.weekday } : {}),
            ...(typeof policy.hour === "number" ? { hour: policy.hour } : {}),
          },
        }
      : {}),
    ...(window?.start && window?.end ? { nextWindow: { start: String(window.start), end: String(window.end) } } : {}),
  };
}

export function toImage(i: Json): Image {
  return {
    id: String(i.id),
    name: String(i.name),
    type: String(i.type),
    status: String(i.status),
    regions: [...(i.regions ?? [])],
    sizeGb: Number(i.size_gigabytes),
    createdAt: String(i.created_at),
  };
}

export function toImageAction(a: Json, imageId: string): ImageAction {
  const region = a.region_slug ?? a.region?.slug;
  return {
    id: Number(a.id),
    type: String(a.type),
    status: a.status,
    startedAt: String(a.started_at),
    completedAt: a.completed_at ?? null,
    imageId,
    ...(typeof region === "string" ? { region } : {}),
  };
}

export function toSize(z: Json): DropletSize {
  return {
    slug: String(z.slug),
    diskGb: Number(z.disk),
    memoryMb: Number(z.memory),
    vcpus: Number(z.vcpus),
    priceHourly: Number(z.price_hourly),
    priceMonthly: Number(z.price_monthly),
    regions: [...(z.regions ?? [])],
    available: z.available === true,
  };
}

export function toAccount(a: Json): Account {
  return { dropletLimit: Number(a.droplet_limit), status: String(a.status) };
}

/** Everyone, IPv4 and IPv6: lifeboat's rules are by port, not by address. */
const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** DO's rules for a spec: TCP ports open to (inbound) or towards (outbound) any address. */
export function firewallRules(spec: FirewallSpec) {
  return {
    inbound_rules: spec.inboundTcpPorts.map((p) => ({
      protocol: "tcp",
      ports: String(p),
      sources: { addresses: ANYWHERE },
    })),
    outbound_rules: spec.outboundTcpPorts.map((p) => ({
      protocol: "tcp",
      ports: String(p),
      destinations: { addresses: ANYWHERE },
    })),
    tags: [spec.tag],
  };
}

/**
 * A firewall's rules in one comparable form (order-free), so a firewall is updated only when
 * what it lets through differs: an extra rule, a port, an address or a tag.
 */
export function firewallRulesKey(f: Json): string {
  const rule = (r: Json, target: Json) =>
    JSON.stringify([
      String(r.protocol),
      String(r.ports ?? ""),
      [...(target?.addresses ?? [])].sort(),
      [...(target?.tags ?? [])].sort(),
      [...(target?.droplet_ids ?? [])].sort(),
      [...(target?.load_balancer_uids ?? [])].sort(),
      [...(target?.kubernetes_ids ?? [])].sort(),
    ]);
  return JSON.stringify({
    inbound: ((f.inbound_rules ?? []) as Json[]).map((r) => rule(r, r.sources)).sort(),
    outbound: ((f.outbound_rules ?? []) as Json[]).map((r) => rule(r, r.destinations)).sort(),
    tags: [...(f.tags ?? [])].sort(),
  });
}

/** A firewall as lifeboat reads it: single TCP ports only (other rules are not lifeboat's). */
export function toFirewall(f: Json, tag: string): Firewall {
  const tcpPorts = (rules: Json[] | undefined) =>
    (rules ?? [])
      .filter((r) => r.protocol === "tcp" && /^\d+$/.test(String(r.ports)))
      .map((r) => Number(r.ports))
      .sort((a, b) => a - b);
  return {
    id: String(f.id),
    name: String(f.name),
    tag,
    inboundTcpPorts: tcpPorts(f.inbound_rules),
    outboundTcpPorts: tcpPorts(f.outbound_rules),
  };
}

/** DO's body for a firewall on droplet ids: outbound only (an inbound rule would open the droplet to more). */
export function dropletFirewallBody(spec: DropletFirewallSpec) {
  return {
    name: spec.name,
    droplet_ids: spec.dropletIds,
    outbound_rules: spec.outbound.map((r) => ({
      protocol: r.protocol,
      ports: String(r.port),
      destinations: { addresses: ANYWHERE },
    })),
  };
}

/** A firewall as applied to droplet ids: its single-port TCP and UDP outbound rules. */
export function toDropletFirewall(f: Json): DropletFirewall {
  return {
    id: String(f.id),
    name: String(f.name),
    createdAt: String(f.created_at ?? ""),
    dropletIds: ((f.droplet_ids ?? []) as unknown[]).map(Number),
    outbound: ((f.outbound_rules ?? []) as Json[])
      .filter((r) => (r.protocol === "tcp" || r.protocol === "udp") && /^\d+$/.test(String(r.ports)))
      .map((r) => ({ protocol: r.protocol as "tcp" | "udp", port: Number(r.ports) })),
  };
}
