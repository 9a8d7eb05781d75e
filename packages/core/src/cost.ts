/**
 * What backups cost per month, from sizes lifeboat already knows. Prices are list prices in
 * USD (DigitalOcean snapshots $0.06/GB-month, per region they are in; AWS S3 Standard us-east-1 $0.023/GB-month;
 * DigitalOcean Spaces $5 for the first 250 GB, then $0.02/GB); pass your own to override.
 */
import type { StorageConfig } from "./config/schema";

export interface Prices {
  snapshotPerGbMonth: number;
  archivePerGbMonth: number;
  /** A flat monthly charge that includes `includedGb` of archive storage (Spaces), else 0. */
  archiveBaseMonthly: number;
  archiveIncludedGb: number;
}

/** DigitalOcean's snapshot price, whatever the archives' store. */
const DIGITALOCEAN_SNAPSHOT_PER_GB_MONTH = 0.06;

/** The list prices lifeboat knows, by where archives are kept. */
export type PriceList = "s3" | "spaces" | "local";

export const PRICES: Record<PriceList, Prices> = {
  s3: {
    snapshotPerGbMonth: DIGITALOCEAN_SNAPSHOT_PER_GB_MONTH,
    archivePerGbMonth: 0.023,
    archiveBaseMonthly: 0,
    archiveIncludedGb: 0,
  },
  spaces: {
    snapshotPerGbMonth: DIGITALOCEAN_SNAPSHOT_PER_GB_MONTH,
    archivePerGbMonth: 0.02,
    archiveBaseMonthly: 5,
    archiveIncludedGb: 250,
  },
  local: {
    snapshotPerGbMonth: DIGITALOCEAN_SNAPSHOT_PER_GB_MONTH,
    archivePerGbMonth: 0,
    archiveBaseMonthly: 0,
    archiveIncludedGb: 0,
  },
};

/**
 * Which list prices a storage config pays. Spaces speaks S3, so only its endpoint tells them apart.
 * @example pricesFor({ type: "s3", bucket: "b", region: "fra1", endpoint: "https://fra1.digitaloceanspaces.com", prefix: "lifeboat/" }) // "spaces"
 */
export function pricesFor(storage: StorageConfig): PriceList {
  if (storage.type === "local") return "local";
  return storage.endpoint?.includes("digitaloceanspaces.com") ? "spaces" : "s3";
}

export interface PlanUsage {
  plan: string;
  /** Sizes of the snapshots lifeboat keeps for this plan, in GB (DO's size_gigabytes). */
  snapshotGb: number[];
  /** Bytes of archives (images, volumes, duplicity) kept for this plan. */
  archiveBytes: number;
  /**
   * Sizes of the snapshots' copies in other regions, in GB, one entry per copy (#16 §2): DO
   * bills a snapshot once per region it is in.
   */
  copyGb?: number[];
}

export interface CostLine {
  plan: string;
  snapshots: number;
  snapshotGb: number;
  snapshotUsd: number;
  archiveGb: number;
  archiveUsd: number;
  /** Copies of its snapshots in other regions: how many, their GB, and their price (in totalUsd); only when there are some. */
  copies?: number;
  copyGb?: number;
  copyUsd?: number;
  totalUsd: number;
}

export interface CostReport {
  plans: CostLine[];
  /** The flat storage charge (Spaces), counted once for the account, not per plan. */
  baseUsd: number;
  totalUsd: number;
}

const GB = 1024 ** 3;
const cents = (usd: number) => Math.round(usd * 100) / 100;

/**
 * Monthly cost per plan and in total.
 * @example monthlyCost([{ plan: "weekly", snapshotGb: [25, 24], archiveBytes: 3e9 }], PRICES.s3)
 */
export function monthlyCost(usage: readonly PlanUsage[], prices: Prices): CostReport {
  const totalArchiveGb = usage.reduce((sum, u) => sum + u.archiveBytes / GB, 0);
  // The included allowance (Spaces) is shared by all plans: charge only what exceeds it, pro rata.
  const billableShare =
    totalArchiveGb > 0 ? Math.max(0, totalArchiveGb - prices.archiveIncludedGb) / totalArchiveGb : 0;
  const plans = usage.map((u) => {
    const snapshotGb = u.snapshotGb.reduce((a, b) => a + b, 0);
    const archiveGb = u.archiveBytes / GB;
    const snapshotUsd = snapshotGb * prices.snapshotPerGbMonth;
    const archiveUsd = archiveGb * billableShare * prices.archivePerGbMonth;
    const copyGb = (u.copyGb ?? []).reduce((a, b) => a + b, 0);
    const copyUsd = copyGb * prices.snapshotPerGbMonth;
    return {
      plan: u.plan,
      snapshots: u.snapshotGb.length,
      snapshotGb: cents(snapshotGb),
      snapshotUsd: cents(snapshotUsd),
      archiveGb: cents(archiveGb),
      archiveUsd: cents(archiveUsd),
      ...(u.copyGb?.length ? { copies: u.copyGb.length, copyGb: cents(copyGb), copyUsd: cents(copyUsd) } : {}),
      totalUsd: cents(snapshotUsd + archiveUsd + copyUsd),
    };
  });
  const baseUsd = usage.length > 0 ? prices.archiveBaseMonthly : 0;
  return { plans, baseUsd, totalUsd: cents(plans.reduce((sum, p) => sum + p.totalUsd, 0) + baseUsd) };
}
