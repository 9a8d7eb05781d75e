/**
 * What lifeboat needs from DigitalOcean, in lifeboat's own terms (ids normalised: droplet and
 * action ids are numbers, snapshot ids strings). `@lifeboat/digitalocean` implements it over
 * the real API; the routine and the watchdog only see this interface.
 */
import type { DropletSelector } from "../config/schema";

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
  /** The newest completed action of `type` among the droplet's recent actions (one call), if any. */
  lastCompletedAction(dropletId: number, type: string): Promise<DropletAction | undefined>;
  /** One droplet's snapshots (every page). */
  listDropletSnapshots(dropletId: number): Promise<DropletSnapshot[]>;
  /** Every droplet snapshot of the account (every page). */
  listSnapshots(): Promise<DropletSnapshot[]>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  /** Creates the tag if it does not exist yet. */
  ensureTag(tag: string): Promise<void>;
  tagDroplet(tag: string, dropletId: number): Promise<void>;
  untagDroplet(tag: string, dropletId: number): Promise<void>;
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
  /** The firewall named `spec.name`, made or updated to match `spec` (found by name, so it is made once). */
  ensureFirewall(spec: FirewallSpec): Promise<Firewall>;
}
