/** DigitalOcean's JSON shapes for the sandbox's state, as `openapi.yaml` describes them. */
import { SANDBOX_SIZES, type SandboxSize, sizeBySlug } from "./sizes";
import type {
  SandboxAccount,
  SandboxAction,
  SandboxDroplet,
  SandboxFirewall,
  SandboxImageAction,
  SandboxSnapshot,
} from "./state";

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

export function renderRegion(slug: string) {
  return {
    name: slug.toUpperCase(),
    slug,
    features: ["backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"],
    available: true,
    sizes: SANDBOX_SIZES.filter((z) => z.available && z.regions.includes(slug)).map((z) => z.slug),
  };
}

/** A droplet's DO Backups as its object shows them: `backup_ids`, `next_backup_window`, the `backups` feature. */
export interface DropletBackupsView {
  ids: number[];
  nextWindow: { start: string; end: string } | null;
}

export function renderDroplet(
  d: SandboxDroplet,
  snapshotIds: number[],
  locked: boolean,
  backups: DropletBackupsView = { ids: [], nextWindow: null },
) {
  const size = sizeBySlug(d.sizeSlug) ?? sizeBySlug("s-1vcpu-1gb")!;
  return {
    id: d.id,
    name: d.name,
    memory: size.memory,
    vcpus: size.vcpus,
    disk: d.diskGb,
    disk_info: [{ type: "local", size: { amount: d.diskGb, unit: "gib" } }],
    locked,
    status: d.status,
    kernel: null,
    created_at: iso(d.createdAt),
    features: [...(d.backups ? ["backups"] : []), "monitoring", "droplet_agent"],
    backup_ids: backups.ids,
    next_backup_window: backups.nextWindow,
    snapshot_ids: snapshotIds,
    image: {
      id: 6_918_990,
      name: "24.04 (LTS) x64",
      distribution: "Ubuntu",
      slug: "ubuntu-24-04-x64",
      public: true,
      regions: [d.region],
      created_at: "2024-04-25T00:00:00Z",
      min_disk_size: 15,
      type: "base",
      size_gigabytes: 2.36,
      tags: [],
      status: "available",
    },
    volume_ids: [],
    size: {
      slug: d.sizeSlug,
      memory: size.memory,
      vcpus: size.vcpus,
      disk: d.diskGb,
      transfer: 1,
      price_monthly: size.monthly,
      price_hourly: size.hourly,
      regions: [d.region],
      available: true,
      description: "Basic",
    },
    size_slug: d.sizeSlug,
    // A droplet still being created has no address yet, as DO answers the create.
    networks: {
      v4:
        d.status === "new"
          ? []
          : [{ ip_address: d.publicIpv4, netmask: "255.255.255.0", gateway: "203.0.113.1", type: "public" }],
      v6: [],
    },
    region: renderRegion(d.region),
    tags: [...d.tags],
    vpc_uuid: "760e09ef-dc84-11e8-981e-3cfdfeaae000",
  };
}

export function renderSize(z: SandboxSize) {
  return {
    slug: z.slug,
    memory: z.memory,
    vcpus: z.vcpus,
    disk: z.disk,
    transfer: z.transfer,
    price_monthly: z.monthly,
    price_hourly: z.hourly,
    regions: z.regions,
    available: z.available,
    description: z.description,
    disk_info: [{ type: "local", size: { amount: z.disk, unit: "gib" } }],
  };
}

export function renderAccount(a: SandboxAccount) {
  return {
    account: {
      droplet_limit: a.dropletLimit,
      floating_ip_limit: 3,
      email: "sammy@example.com",
      name: "Sammy the Shark",
      uuid: "b6fr89dbf6d9156cace5f3c78dc9851d957381ef",
      email_verified: true,
      status: a.status,
      status_message: a.status === "locked" ? "Your account has been locked." : "",
      team: { uuid: "5df3e3004a17e242b7c20ca6c9fc25b701a47ece", name: "My Team" },
    },
  };
}

export function renderFirewall(f: SandboxFirewall) {
  return {
    id: f.id,
    name: f.name,
    status: "succeeded",
    created_at: iso(f.createdAt),
    pending_changes: [],
    inbound_rules: f.inboundRules.map((r) => ({
      protocol: r.protocol,
      ports: r.ports,
      sources: { addresses: r.addresses },
    })),
    outbound_rules: f.outboundRules.map((r) => ({
      protocol: r.protocol,
      ports: r.ports,
      destinations: { addresses: r.addresses },
    })),
    droplet_ids: f.dropletIds,
    tags: f.tags,
  };
}

export function renderAction(a: SandboxAction, region: string) {
  const done = a.status !== "in-progress";
  return {
    id: a.id,
    status: a.status,
    type: a.type,
    started_at: iso(a.startedAt),
    completed_at: done ? iso(a.endsAt) : null,
    resource_id: a.dropletId,
    resource_type: "droplet",
    region: renderRegion(region),
    region_slug: region,
  };
}

/** `/v2/droplets/{id}/snapshots` and `/backups` form: integer id, `type`. */
export function renderDropletSnapshot(s: SandboxSnapshot, type: "snapshot" | "backup" = "snapshot") {
  return {
    id: s.id,
    name: s.name,
    created_at: iso(s.createdAt),
    regions: s.regions,
    min_disk_size: s.minDiskGb,
    size_gigabytes: s.sizeGb,
    type,
  };
}

/** `GET /v2/images/{id}`: a snapshot or backup, private, `available` (one still being taken is not an image yet). */
export function renderImage(s: SandboxSnapshot, type: "snapshot" | "backup") {
  return {
    id: s.id,
    name: s.name,
    type,
    distribution: "Ubuntu",
    slug: null,
    public: false,
    regions: [...s.regions],
    created_at: iso(s.createdAt),
    min_disk_size: s.minDiskGb,
    size_gigabytes: s.sizeGb,
    description: "",
    tags: [],
    status: "available",
    error_message: "",
  };
}

/** An image action: `resource_type` image; `region` the transfer's destination (or the image's region). */
export function renderImageAction(a: SandboxImageAction) {
  return {
    id: a.id,
    status: a.status,
    type: a.type,
    started_at: iso(a.startedAt),
    completed_at: a.status !== "in-progress" ? iso(a.endsAt) : null,
    resource_id: a.imageId,
    resource_type: "image",
    region: renderRegion(a.region),
    region_slug: a.region,
  };
}

/** `/v2/snapshots` form: string ids, `resource_id`, `resource_type`, `tags`. */
export function renderSnapshot(s: SandboxSnapshot) {
  return {
    id: String(s.id),
    name: s.name,
    created_at: iso(s.createdAt),
    regions: s.regions,
    min_disk_size: s.minDiskGb,
    size_gigabytes: s.sizeGb,
    resource_id: String(s.dropletId),
    resource_type: "droplet",
    tags: [],
  };
}

export function renderTag(name: string, dropletCount: number) {
  return {
    name,
    resources: {
      count: dropletCount,
      droplets: { count: dropletCount },
      imgages: { count: 0 },
      volumes: { count: 0 },
      volume_snapshots: { count: 0 },
      databases: { count: 0 },
    },
  };
}

/**
 * One page of `items` with `links.pages` (absolute URLs, only the ones that apply) and
 * `meta.total`, as DO paginates. `url` is the request URL; its other query parameters are kept.
 */
export function paginate<T>(key: string, items: T[], url: URL) {
  const perPage = Math.min(200, Math.max(1, Number(url.searchParams.get("per_page") ?? 20) || 20));
  const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const pageUrl = (n: number) => {
    const u = new URL(url);
    u.searchParams.set("page", String(n));
    return u.toString();
  };
  const pages: Record<string, string> = {};
  if (page > 1) {
    pages.first = pageUrl(1);
    pages.prev = pageUrl(Math.min(page - 1, last));
  }
  if (page < last) {
    pages.next = pageUrl(page + 1);
    pages.last = pageUrl(last);
  }
  return {
    [key]: items.slice((page - 1) * perPage, page * perPage),
    links: Object.keys(pages).length > 0 ? { pages } : {},
    meta: { total: items.length },
  };
}
