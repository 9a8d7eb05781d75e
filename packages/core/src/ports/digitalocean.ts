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
  }): Promise<Droplet>;
}
