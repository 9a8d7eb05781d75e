/** DO's JSON to lifeboat's types; ids normalised here, at the edge (droplet/action numbers, snapshot strings). */
import type { Droplet, DropletAction, DropletSnapshot, DropletStatus } from "@lifeboat/core";

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
