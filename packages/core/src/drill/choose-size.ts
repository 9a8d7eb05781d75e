/**
 * The scratch droplet's size: the plan's `drill.size`, or the cheapest size sold in the
 * snapshot's region whose disk holds the snapshot; refused when dearer than
 * `drill.maxHourlyPrice`. Pure.
 */
import type { DropletSize } from "../ports/digitalocean";

export type SizeChoice = { size: DropletSize } | { refused: string };

export interface SizeWanted {
  region: string;
  /** The snapshot's minimum disk, GB. */
  minDiskGb: number;
  /** The plan's `drill.size`, when set. */
  slug?: string;
  /** The plan's `drill.maxHourlyPrice` (USD), when set. */
  maxHourlyPrice?: number;
}

const usd = (n: number) => `$${n.toFixed(5).replace(/0+$/, "").replace(/\.$/, "")}`;

/** @example chooseSize(await api.listSizes(), { region: "fra1", minDiskGb: 25, maxHourlyPrice: 0.05 }) */
export function chooseSize(sizes: readonly DropletSize[], wanted: SizeWanted): SizeChoice {
  const sold = sizes.filter((s) => s.available && s.regions.includes(wanted.region));
  let size: DropletSize | undefined;
  if (wanted.slug !== undefined) {
    size = sold.find((s) => s.slug === wanted.slug);
    if (!size) {
      return {
        refused: `size ${wanted.slug} (drill.size) is not available in ${wanted.region}, where the snapshot is`,
      };
    }
    if (size.diskGb < wanted.minDiskGb) {
      return {
        refused: `size ${wanted.slug} (drill.size) has a ${size.diskGb} GB disk; the snapshot needs at least ${wanted.minDiskGb} GB`,
      };
    }
  } else {
    size = sold
      .filter((s) => s.diskGb >= wanted.minDiskGb)
      .sort((a, b) => a.priceHourly - b.priceHourly || a.diskGb - b.diskGb || a.slug.localeCompare(b.slug))[0];
    if (!size) {
      return { refused: `no size available in ${wanted.region} has a disk of ${wanted.minDiskGb} GB or more` };
    }
  }
  if (wanted.maxHourlyPrice !== undefined && size.priceHourly > wanted.maxHourlyPrice) {
    return {
      refused:
        `the drill needs size ${size.slug} at ${usd(size.priceHourly)}/hour, above drill.maxHourlyPrice ` +
        `(${usd(wanted.maxHourlyPrice)}); raise drill.maxHourlyPrice in lifeboat.config.ts to allow it. Nothing was created`,
    };
  }
  return { size };
}
