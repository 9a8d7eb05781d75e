/**
 * The sandbox's world: droplets, their actions, snapshots and tags. Actions carry their end
 * time; `settle()` applies every action whose end the clock has passed, in order, so state is
 * always what DigitalOcean would show at `clock.now()`.
 */
import type { SandboxClock } from "./clock";

export type SandboxDropletStatus = "new" | "active" | "off";
export type SandboxActionStatus = "in-progress" | "completed" | "errored";

export interface SandboxDroplet {
  id: number;
  name: string;
  status: SandboxDropletStatus;
  diskGb: number;
  usedDiskGb: number;
  sizeSlug: string;
  region: string;
  tags: string[];
  createdAt: number;
  publicIpv4: string;
  /** Droplets made through `POST /v2/droplets`: what they were made with, as the API saw it then. */
  createdWith?: DropletCreation;
}

/** What a droplet was created with, recorded at creation (tests of the drill's isolation read it). */
export interface DropletCreation {
  /** The snapshot (image) id. */
  image: number;
  tags: string[];
  userData?: string;
  /** Copies of the firewalls that covered the droplet at that moment (by tag or droplet id). */
  firewalls: SandboxFirewall[];
}

export interface SandboxFirewallRule {
  protocol: "tcp" | "udp" | "icmp";
  ports: string;
  /** Inbound: `sources.addresses`; outbound: `destinations.addresses` (the sandbox keeps addresses only). */
  addresses: string[];
}

export interface SandboxFirewall {
  id: string;
  name: string;
  createdAt: number;
  tags: string[];
  dropletIds: number[];
  inboundRules: SandboxFirewallRule[];
  outboundRules: SandboxFirewallRule[];
}

/** A firewall made, replaced or deleted through the API, at sandbox time (a copy of it then). */
export interface SandboxFirewallChange {
  at: number;
  change: "created" | "updated" | "deleted";
  firewall: SandboxFirewall;
}

export interface SandboxAccount {
  /** How many droplets the account may have; a create beyond it answers 422. */
  dropletLimit: number;
  status: "active" | "warning" | "locked";
}

export interface SandboxAction {
  id: number;
  dropletId: number;
  type: string;
  startedAt: number;
  endsAt: number;
  /** What the action turns into when it ends. */
  outcome: "completed" | "errored";
  status: SandboxActionStatus;
  /** Snapshot actions: the name asked for. */
  snapshotName?: string;
  /** DO's quirk: a shutdown that reports completed while the droplet keeps running. */
  leavesDropletOn?: boolean;
}

export interface SandboxSnapshot {
  id: number;
  name: string;
  dropletId: number;
  createdAt: number;
  sizeGb: number;
  minDiskGb: number;
  regions: string[];
}

/** How long actions take, in milliseconds of sandbox time. */
export interface ActionTimings {
  shutdownMs: number;
  powerOffMs: number;
  powerOnMs: number;
  createMs: number;
  /** Added to `createMs` per GB of the snapshot a droplet is created from (DO copies the image to the host). */
  createMsPerGb: number;
  /** Snapshot duration per GB of used disk (DO measured ~59 s/GB). */
  snapshotMsPerGb: number;
  /** Shortest snapshot, whatever the used disk. */
  snapshotMinMs: number;
}

export const defaultTimings: ActionTimings = {
  shutdownMs: 15_000,
  powerOffMs: 5_000,
  powerOnMs: 20_000,
  createMs: 40_000,
  createMsPerGb: 3_000,
  snapshotMsPerGb: 60_000,
  snapshotMinMs: 60_000,
};

export interface NewDroplet {
  name: string;
  /** Disk size (GB); default 25. */
  diskGb?: number;
  /** Used disk (GB), which sets snapshot duration; default half the disk. */
  usedDiskGb?: number;
  status?: SandboxDropletStatus;
  tags?: string[];
  region?: string;
  sizeSlug?: string;
}

export class SandboxState {
  readonly droplets = new Map<number, SandboxDroplet>();
  readonly actions = new Map<number, SandboxAction>();
  readonly snapshots = new Map<number, SandboxSnapshot>();
  readonly tags = new Set<string>();
  readonly firewalls = new Map<string, SandboxFirewall>();
  /** Every firewall change, in order: what a test asks "when was outbound traffic open?". */
  readonly firewallChanges: SandboxFirewallChange[] = [];
  /** Droplets destroyed through the API, with when (sandbox time): what a test asks "was it cleaned up?". */
  readonly destroyed = new Map<number, { droplet: SandboxDroplet; at: number }>();
  readonly account: SandboxAccount = { dropletLimit: 25, status: "active" };
  /**
   * The public IPv4 a droplet gets (default `203.0.113.x`); a test maps a created droplet to a
   * harness sshd's address here. Undefined: the default.
   */
  addressOf?: (droplet: SandboxDroplet) => string | undefined;
  private nextDropletId = 3_164_400;
  private nextActionId = 36_804_600;
  private nextSnapshotId = 6_372_300;

  constructor(
    private readonly clock: SandboxClock,
    readonly timings: ActionTimings = defaultTimings,
  ) {}

  now(): number {
    return this.clock.now();
  }

  addDroplet(spec: NewDroplet): SandboxDroplet {
    const id = this.nextDropletId++;
    const diskGb = spec.diskGb ?? 25;
    const droplet: SandboxDroplet = {
      id,
      name: spec.name,
      status: spec.status ?? "active",
      diskGb,
      usedDiskGb: spec.usedDiskGb ?? diskGb / 2,
      sizeSlug: spec.sizeSlug ?? "s-1vcpu-1gb",
      region: spec.region ?? "nyc3",
      tags: [...(spec.tags ?? [])],
      createdAt: this.clock.now(),
      publicIpv4: `203.0.113.${(id % 250) + 1}`,
    };
    droplet.publicIpv4 = this.addressOf?.(droplet) ?? droplet.publicIpv4;
    for (const tag of droplet.tags) this.tags.add(tag);
    this.droplets.set(id, droplet);
    return droplet;
  }

  /** A finished snapshot, as if taken earlier (for seeding lists). */
  addSnapshot(dropletId: number, name: string, createdAt = this.clock.now()): SandboxSnapshot {
    const droplet = this.droplets.get(dropletId);
    const snapshot: SandboxSnapshot = {
      id: this.nextSnapshotId++,
      name,
      dropletId,
      createdAt,
      sizeGb: droplet?.usedDiskGb ?? 1,
      minDiskGb: droplet?.diskGb ?? 25,
      regions: [droplet?.region ?? "nyc3"],
    };
    this.snapshots.set(snapshot.id, snapshot);
    return snapshot;
  }

  /** The firewalls that apply to a droplet now: by one of its tags or by its id. */
  firewallsCovering(droplet: SandboxDroplet): SandboxFirewall[] {
    return [...this.firewalls.values()].filter(
      (f) => f.dropletIds.includes(droplet.id) || f.tags.some((t) => droplet.tags.includes(t)),
    );
  }

  destroyDroplet(id: number): boolean {
    const droplet = this.droplets.get(id);
    if (!droplet) return false;
    this.droplets.delete(id);
    this.destroyed.set(id, { droplet, at: this.clock.now() });
    for (const f of this.firewalls.values()) f.dropletIds = f.dropletIds.filter((d) => d !== id);
    return true;
  }

  inFlightAction(dropletId: number): SandboxAction | undefined {
    for (const a of this.actions.values()) if (a.dropletId === dropletId && a.status === "in-progress") return a;
    return undefined;
  }

  /** Starts an action now; it ends after `durationMs` with `outcome`. */
  startAction(
    dropletId: number,
    type: string,
    durationMs: number,
    extra: Partial<Pick<SandboxAction, "outcome" | "snapshotName" | "leavesDropletOn">> = {},
  ): SandboxAction {
    const now = this.clock.now();
    const action: SandboxAction = {
      id: this.nextActionId++,
      dropletId,
      type,
      startedAt: now,
      endsAt: now + durationMs,
      outcome: extra.outcome ?? "completed",
      status: "in-progress",
      snapshotName: extra.snapshotName,
      leavesDropletOn: extra.leavesDropletOn,
    };
    this.actions.set(action.id, action);
    return action;
  }

  durationOf(type: string, droplet: SandboxDroplet): number {
    const t = this.timings;
    switch (type) {
      case "shutdown":
        return t.shutdownMs;
      case "power_off":
        return t.powerOffMs;
      case "power_on":
        return t.powerOnMs;
      case "create":
        return t.createMs + Math.round(droplet.usedDiskGb * t.createMsPerGb);
      case "snapshot":
        return Math.max(t.snapshotMinMs, Math.round(droplet.usedDiskGb * t.snapshotMsPerGb));
      default:
        return 1_000;
    }
  }

  /** Ends every action whose time has come, oldest end first, and applies its effect. */
  settle(): void {
    const now = this.clock.now();
    const due = [...this.actions.values()]
      .filter((a) => a.status === "in-progress" && a.endsAt <= now)
      .sort((a, b) => a.endsAt - b.endsAt || a.id - b.id);
    for (const action of due) {
      action.status = action.outcome;
      if (action.outcome === "completed") this.applyEffect(action);
    }
  }

  private applyEffect(action: SandboxAction): void {
    const droplet = this.droplets.get(action.dropletId);
    if (!droplet) return;
    switch (action.type) {
      case "shutdown":
        if (!action.leavesDropletOn) droplet.status = "off";
        break;
      case "power_off":
        droplet.status = "off";
        break;
      case "power_on":
      case "create":
        droplet.status = "active";
        break;
      case "snapshot": {
        const snapshot = this.addSnapshot(droplet.id, action.snapshotName ?? `${droplet.name}-${action.endsAt}`);
        snapshot.createdAt = action.startedAt;
        break;
      }
    }
  }
}
