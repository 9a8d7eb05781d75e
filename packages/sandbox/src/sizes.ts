/**
 * A sample of DigitalOcean's droplet sizes as `/v2/sizes` lists them (2025 prices: monthly, and
 * hourly = monthly / 672 h), with the regions each is offered in. Enough variety for the drill's
 * choice: a size too small for most snapshots, sizes missing from some regions, one unavailable.
 */
export interface SandboxSize {
  slug: string;
  memory: number;
  vcpus: number;
  disk: number;
  transfer: number;
  monthly: number;
  hourly: number;
  regions: string[];
  available: boolean;
  description: string;
}

export const ALL_REGIONS = ["ams3", "blr1", "fra1", "lon1", "nyc1", "nyc3", "sfo3", "sgp1", "syd1", "tor1"];
const FEWER_REGIONS = ["ams3", "fra1", "lon1", "nyc1", "nyc3", "sfo3", "sgp1", "tor1"];

const size = (
  slug: string,
  memory: number,
  vcpus: number,
  disk: number,
  transfer: number,
  monthly: number,
  description: string,
  regions = ALL_REGIONS,
  available = true,
): SandboxSize => ({
  slug,
  memory,
  vcpus,
  disk,
  transfer,
  monthly,
  hourly: Math.round((monthly / 672) * 100_000) / 100_000,
  regions,
  available,
  description,
});

export const SANDBOX_SIZES: SandboxSize[] = [
  size("s-1vcpu-512mb-10gb", 512, 1, 10, 0.5, 4, "Basic", ["ams3", "fra1", "nyc1", "nyc3", "sfo3", "sgp1"]),
  size("s-1vcpu-1gb", 1024, 1, 25, 1, 6, "Basic"),
  size("s-1vcpu-2gb", 2048, 1, 50, 2, 12, "Basic"),
  size("s-2vcpu-2gb", 2048, 2, 60, 3, 18, "Basic"),
  size("s-2vcpu-4gb", 4096, 2, 80, 4, 24, "Basic"),
  size("s-4vcpu-8gb", 8192, 4, 160, 5, 48, "Basic"),
  size("s-8vcpu-16gb", 16_384, 8, 320, 6, 96, "Basic", FEWER_REGIONS),
  size("c-2", 4096, 2, 25, 4, 42, "CPU-Optimized", FEWER_REGIONS),
  size("g-2vcpu-8gb", 8192, 2, 25, 4, 63, "General Purpose", FEWER_REGIONS),
  size("m-2vcpu-16gb", 16_384, 2, 50, 4, 84, "Memory-Optimized", [], false),
];

export const sizeBySlug = (slug: string): SandboxSize | undefined => SANDBOX_SIZES.find((s) => s.slug === slug);
