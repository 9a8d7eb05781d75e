/**
 * The sandbox's world: droplets, their actions, snapshots and tags. Actions carry their end
 * time; `settle()` applies every action whose end the clock has passed, in order, so state is
 * always what DigitalOcean would show at `clock.now()`.
 */
import { type BackupPolicyChoice, type SandboxBackupPolicy, takeDueBackups } from "./backups";
import type { SandboxClock } from "./clock";
import { SANDBOX_SIZES, sizeBySlug } from "./sizes";

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
  /** DigitalOcean Backups while enabled (backups.ts); undefined: disabled. */
  backups?: SandboxBackupPolicy;
  /** The backup a `restore` action last overwrote the droplet with, and when that ended. */
  restoredFrom?: { image: number; at: number };
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
  /** enable_backups / change_backup_policy: the policy in force once the action completes. */
  backupPolicy?: SandboxBackupPolicy["policy"];
  /** restore: the backup image the droplet is overwritten with. */
  image?: number;
}

/** An image action (`convert`, `transfer`): DO's action object with `resource_type` "image". */
export interface SandboxImageAction {
  id: number;
  imageId: number;
  type: "convert" | "transfer";
  /** transfer: the destination; convert: the image's own region. */
  region: string;
  startedAt: number;
  endsAt: number;
  outcome: "completed" | "errored";
  status: SandboxActionStatus;
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
  /** Image `transfer` to another region, per GB of the image. */
  transferMsPerGb: number;
  /** Shortest transfer, whatever the image's size. */
  transferMinMs: number;
  /** Image `convert` (a backup becomes a snapshot). */
  convertMs: number;
  /** enable_backups, change_backup_policy and disable_backups. */
  backupPolicyMs: number;
}

export const defaultTimings: ActionTimings = {
  shutdownMs: 15_000,
  powerOffMs: 5_000,
  powerOnMs: 20_000,
  createMs: 40_000,
  createMsPerGb: 3_000,
  snapshotMsPerGb: 60_000,
  snapshotMinMs: 60_000,
  transferMsPerGb: 20_000,
  transferMinMs: 120_000,
  convertMs: 30_000,
  backupPolicyMs: 10_000,
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
  /** DO Backups enabled from the start, with this policy. */
  backups?: BackupPolicyChoice;
}

export class SandboxState {
  readonly droplets = new Map<number, SandboxDroplet>();
  readonly actions = new Map<number, SandboxAction>();
  readonly snapshots = new Map<number, SandboxSnapshot>();
  /** DigitalOcean Backups (images of type `backup`), by id; the same id space as snapshots. */
  readonly backups = new Map<number, SandboxSnapshot>();
  readonly imageActions = new Map<number, SandboxImageAction>();
  readonly tags = new Set<string>();
  readonly firewalls = new Map<string, SandboxFirewall>();
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
    // A size the sandbox does not list would have no price: `cost` would read a wrong one.
    if (spec.sizeSlug !== undefined && !sizeBySlug(spec.sizeSlug)) {
      const known = SANDBOX_SIZES.map((z) => z.slug).join(", ");
      throw new Error(`sandbox: no size "${spec.sizeSlug}"; use one of ${known} (packages/sandbox/src/sizes.ts)`);
    }
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
      ...(spec.backups ? { backups: { policy: { ...spec.backups }, since: this.clock.now() } } : {}),
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

  /** A finished DigitalOcean Backup of a droplet, as if DO took it at `createdAt` (for seeding lists). */
  addBackup(dropletId: number, createdAt = this.clock.now()): SandboxSnapshot {
    const droplet = this.droplets.get(dropletId);
    if (!droplet) throw new Error(`sandbox: no droplet ${dropletId} to add a backup to`);
    const backup: SandboxSnapshot = {
      id: this.nextSnapshotId++,
      // DO names a backup after the droplet and the day it was taken.
      name: `${droplet.name} ${new Date(createdAt).toISOString().slice(0, 10)}`,
      dropletId,
      createdAt,
      sizeGb: droplet.usedDiskGb,
      minDiskGb: droplet.diskGb,
      regions: [droplet.region],
    };
    this.backups.set(backup.id, backup);
    return backup;
  }

  /** A snapshot or a backup by image id. */
  image(id: number): { image: SandboxSnapshot; type: "snapshot" | "backup" } | undefined {
    const snapshot = this.snapshots.get(id);
    if (snapshot) return { image: snapshot, type: "snapshot" };
    const backup = this.backups.get(id);
    return backup ? { image: backup, type: "backup" } : undefined;
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
    // DO destroys a droplet's backups with it (a converted one is a snapshot by then).
    for (const b of [...this.backups.values()]) if (b.dropletId === id) this.backups.delete(b.id);
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
    extra: Partial<Pick<SandboxAction, "outcome" | "snapshotName" | "leavesDropletOn" | "backupPolicy" | "image">> = {},
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
      ...(extra.backupPolicy ? { backupPolicy: extra.backupPolicy } : {}),
      ...(extra.image !== undefined ? { image: extra.image } : {}),
    };
    this.actions.set(action.id, action);
    return action;
  }

  /** Starts an image action now (ids shared with droplet actions, as DO's are). */
  startImageAction(
    imageId: number,
    type: SandboxImageAction["type"],
    region: string,
    durationMs: number,
    outcome: SandboxImageAction["outcome"] = "completed",
  ): SandboxImageAction {
    const now = this.clock.now();
    const action: SandboxImageAction = {
      id: this.nextActionId++,
      imageId,
      type,
      region,
      startedAt: now,
      endsAt: now + durationMs,
      outcome,
      status: "in-progress",
    };
    this.imageActions.set(action.id, action);
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
      case "enable_backups":
      case "change_backup_policy":
      case "disable_backups":
        return t.backupPolicyMs;
      case "restore":
        return t.createMs + Math.round(droplet.usedDiskGb * t.createMsPerGb);
      default:
        return 1_000;
    }
  }

  /**
   * Ends every action whose time has come, oldest end first, and applies its effect; then takes
   * the DO Backups whose windows have passed (backups.ts).
   */
  settle(): void {
    const now = this.clock.now();
    const due: Array<SandboxAction | SandboxImageAction> = [...this.actions.values(), ...this.imageActions.values()]
      .filter((a) => a.status === "in-progress" && a.endsAt <= now)
      .sort((a, b) => a.endsAt - b.endsAt || a.id - b.id);
    for (const action of due) {
      if ("imageId" in action) {
        action.status = action.outcome === "completed" && this.applyImageEffect(action) ? "completed" : "errored";
        continue;
      }
      action.status = action.outcome;
      if (action.outcome === "completed") this.applyEffect(action);
    }
    takeDueBackups(this, now);
  }

  /** Whether the image was still there to act on (one destroyed meanwhile: the action errs). */
  private applyImageEffect(action: SandboxImageAction): boolean {
    const found = this.image(action.imageId);
    if (!found) return false;
    if (action.type === "transfer") {
      if (!found.image.regions.includes(action.region)) found.image.regions.push(action.region);
      return true;
    }
    if (found.type === "backup") {
      // The same image, now a snapshot: off the droplet's backups, onto the snapshots list.
      this.backups.delete(found.image.id);
      this.snapshots.set(found.image.id, found.image);
    }
    return true;
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
      case "enable_backups":
      case "change_backup_policy":
        droplet.backups = {
          policy: action.backupPolicy ?? droplet.backups?.policy ?? { plan: "daily", hour: 0 },
          since: droplet.backups?.since ?? action.endsAt,
        };
        break;
      case "disable_backups":
        // DO deletes a droplet's backups when backups are disabled (convert first to keep one).
        droplet.backups = undefined;
        for (const b of [...this.backups.values()]) if (b.dropletId === droplet.id) this.backups.delete(b.id);
        break;
      case "restore": {
        const backup = action.image !== undefined ? this.backups.get(action.image) : undefined;
        if (backup) droplet.usedDiskGb = backup.sizeGb;
        if (action.image !== undefined) droplet.restoredFrom = { image: action.image, at: action.endsAt };
        droplet.status = "active";
        break;
      }
    }
  }
}
