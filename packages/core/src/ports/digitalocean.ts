/**
 * What lifeboat needs from DigitalOcean, in lifeboat's own terms (ids normalised: droplet and
 * action ids are numbers, snapshot ids strings). `@lifeboat/digitalocean` implements it over
 * the real API; the routine and the watchdog only see this interface.
 */
import type { DropletSelector } from "../config/schema";

/** A droplet's DigitalOcean Backups policy, as DO names it (`hour`: start of the 4-hour window, UTC). */
export interface BackupPolicy {
  plan: "daily" | "weekly";
  weekday?: "SUN" | "MON" | "TUE" | "WED" | "THU" | "FRI" | "SAT";
  hour?: 0 | 4 | 8 | 12 | 16 | 20;
}

/** One droplet's entry of `GET /v2/droplets/backups/policies`. */
export interface DropletBackupPolicy {
  dropletId: number;
  enabled: boolean;
  /** DO's policy while enabled. */
  policy?: BackupPolicy;
  /** The next window DO may take a backup in (ISO times), when backups are enabled. */
  nextWindow?: { start: string; end: string };
}

/** A DigitalOcean Backup of a droplet (an image of type `backup`; destroyed with the droplet). */
export interface DropletBackup {
  id: string;
  name: string;
  createdAt: string;
  sizeGb: number;
  minDiskGb: number;
  dropletId: number;
  regions: string[];
}

/** An image as `GET /v2/images/{id}` shows it: `status` is DO's `NEW`, `available`, `pending`, `deleted` or `retired`. */
export interface Image {
  id: string;
  name: string;
  type: string;
  status: string;
  regions: string[];
  sizeGb: number;
  createdAt: string;
}

/** An image action (`convert`, `transfer`); `region` is the transfer's destination. */
export interface ImageAction {
  id: number;
  type: string;
  status: ActionStatus;
  startedAt: string;
  completedAt: string | null;
  imageId: string;
  region?: string;
}

export type DropletStatus = "new" | "active" | "off" | "archive";

export interface Droplet {
  id: number;
  name: string;
  status: DropletStatus;
  tags: string[];
  region: string;
  sizeSlug: string;
  /** Disk size in GB (what DO bills for; used disk is not reported by the API). */
  diskGb: number;
  publicIpv4?: string;
  createdAt: string;
  /** DO's `snapshot_ids` as of this read: the ids of the droplet's snapshots (its backups not among them). */
  snapshotIds?: string[];
}

export type ActionStatus = "in-progress" | "completed" | "errored";

export interface DropletAction {
  id: number;
  type: string;
  status: ActionStatus;
  startedAt: string;
  completedAt: string | null;
  dropletId: number;
}

export interface DropletSnapshot {
  id: string;
  name: string;
  createdAt: string;
  sizeGb: number;
  minDiskGb: number;
  dropletId: number;
  regions: string[];
}

/** A droplet size as `/v2/sizes` lists it. */
export interface DropletSize {
  slug: string;
  diskGb: number;
  memoryMb: number;
  vcpus: number;
  priceHourly: number;
  priceMonthly: number;
  regions: string[];
  available: boolean;
}

export interface Account {
  dropletLimit: number;
  /** "active", "warning" or "locked": only an active account can create droplets. */
  status: string;
}

/** A Cloud Firewall's rules in lifeboat's terms: inbound TCP ports open to everyone, outbound as listed. */
export interface FirewallSpec {
  name: string;
  /** The firewall applies to every droplet with this tag, from the moment it is created. */
  tag: string;
  inboundTcpPorts: number[];
  /** Outbound TCP ports open to any address; empty: no outbound traffic at all. */
  outboundTcpPorts: number[];
}

export interface Firewall extends FirewallSpec {
  id: string;
}

/** One outbound opening: a protocol and a single port, towards any address. */
export interface OutboundRule {
  protocol: "tcp" | "udp";
  port: number;
}

/**
 * A Cloud Firewall applied to droplets by id, not by tag: what opens outbound traffic for one
 * drill droplet and no other (#15 §2). DigitalOcean unites the rules of every firewall on a
 * droplet, so this adds to the isolating firewall on the drill tag without changing it.
 */
export interface DropletFirewallSpec {
  name: string;
  dropletIds: number[];
  outbound: OutboundRule[];
}

export interface DropletFirewall extends DropletFirewallSpec {
  id: string;
  /** ISO time DigitalOcean made it. */
  createdAt: string;
}

/**
 * A droplet just created (status `new`), with its create action: `getAction` tells a create
 * that ended `errored` (the droplet then never becomes active) without waiting out a timeout.
 */
export interface CreatedDroplet extends Droplet {
  createActionId?: number;
}

export interface DropletApi {
  /** All droplets a selector names (every page). An id or name that matches nothing is an error. */
  findDroplets(selector: DropletSelector): Promise<Droplet[]>;
  getDroplet(dropletId: number): Promise<Droplet>;
  shutdown(dropletId: number): Promise<DropletAction>;
  powerOff(dropletId: number): Promise<DropletAction>;
  powerOn(dropletId: number): Promise<DropletAction>;
  snapshot(dropletId: number, name: string): Promise<DropletAction>;
  getAction(actionId: number): Promise<DropletAction>;
  /** The newest completed action of one of `types` among the droplet's recent actions (one call: the first page, newest first), if any. */
  lastCompletedAction(dropletId: number, types: readonly string[]): Promise<DropletAction | undefined>;
  /** One page (`page` from 1) of the account's actions, newest first, and whether more follow. */
  listActions(page: number): Promise<{ actions: DropletAction[]; more: boolean }>;
  /** One droplet's snapshots (every page). */
  listDropletSnapshots(dropletId: number): Promise<DropletSnapshot[]>;
  /** Every droplet snapshot of the account (every page). */
  listSnapshots(): Promise<DropletSnapshot[]>;
  /** The same, when the account's droplet snapshots fit in `maxPages` pages; else undefined, after one page. */
  listSnapshotsWithin(maxPages: number): Promise<DropletSnapshot[] | undefined>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  /** Creates the tag if it does not exist yet. */
  ensureTag(tag: string): Promise<void>;
  /** Assigns the tag to these droplets (a request per 50; none for an empty list). */
  tagDroplets(tag: string, dropletIds: number[]): Promise<void>;
  /** Removes the tag from these droplets only (a request per 50; none for an empty list). */
  untagDroplets(tag: string, dropletIds: number[]): Promise<void>;
  /** Droplets carrying a tag (every page). */
  listDropletsByTag(tag: string): Promise<Droplet[]>;
  deleteTag(tag: string): Promise<void>;
  /** For restore: a new droplet from a snapshot. */
  createDropletFromSnapshot(options: {
    name: string;
    snapshotId: string;
    region: string;
    sizeSlug: string;
    sshKeys?: Array<string | number>;
    /** Tags the droplet carries from creation (a firewall on a tag covers it before its first boot). */
    tags?: string[];
    /** cloud-init user data (at most 64 KiB). */
    userData?: string;
  }): Promise<CreatedDroplet>;
  /** Destroys one droplet. A droplet already gone is not an error. */
  destroyDroplet(dropletId: number): Promise<void>;
  /** Every size of the account's regions (every page). */
  listSizes(): Promise<DropletSize[]>;
  getAccount(): Promise<Account>;
  /** How many droplets the account has (one call: the listing's `meta.total`), to compare with its droplet limit. */
  countDroplets(): Promise<number>;
  /** The firewall named `spec.name`, made or updated to match `spec` (found by name, so it is made once). */
  ensureFirewall(spec: FirewallSpec): Promise<Firewall>;
  /** Makes a firewall on these droplet ids (one call; a retry after a lost answer finds it by name). */
  createDropletFirewall(spec: DropletFirewallSpec): Promise<DropletFirewall>;
  /** Every firewall of the account (every page), read as applied to droplet ids; tags and inbound rules are not read. */
  listFirewalls(): Promise<DropletFirewall[]>;
  /** Deletes one firewall. A firewall already gone is not an error. */
  deleteFirewall(firewallId: string): Promise<void>;

  // DigitalOcean Backups (#16 §1)
  /** Every droplet's backup policy, in one listing (every page). */
  listBackupPolicies(): Promise<DropletBackupPolicy[]>;
  enableBackups(dropletId: number, policy: BackupPolicy): Promise<DropletAction>;
  changeBackupPolicy(dropletId: number, policy: BackupPolicy): Promise<DropletAction>;
  disableBackups(dropletId: number): Promise<DropletAction>;
  /** One droplet's DO Backups (every page). */
  listDropletBackups(dropletId: number): Promise<DropletBackup[]>;
  /** In place: overwrites the droplet with one of its own backups (action `restore`). */
  restoreDroplet(dropletId: number, backupId: string): Promise<DropletAction>;

  // Images (#16 §1 keep, §2 copies, #15 §1 verify)
  getImage(imageId: string): Promise<Image>;
  /** Gives an image a new name (`PUT /v2/images/{id}`): how `lifeboat keep` marks a kept backup. */
  renameImage(imageId: string, name: string): Promise<Image>;
  /** Turns a backup into a snapshot (image action `convert`), which outlives the droplet. */
  convertImage(imageId: string): Promise<ImageAction>;
  /** Copies an image to another region (image action `transfer`): the same image id, one more region. */
  transferImage(imageId: string, region: string): Promise<ImageAction>;
  getImageAction(imageId: string, actionId: number): Promise<ImageAction>;
}
