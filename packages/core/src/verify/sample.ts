/**
 * Which archives `--read-data=FRACTION` reads back: a seeded random pick, so a failure can be
 * repeated with the same seed (restic's `check --read-data-subset` does the same).
 */

/** mulberry32: a small, well-spread 32-bit PRNG; the same seed gives the same sequence everywhere. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `ceil(fraction × n)` of `keys` (none for 0, all for 1), chosen by `seed`, whatever order the
 * keys are given in.
 * @example pickArchives(["a", "b", "c", "d"], 0.5, 7) // two of them, the same two for seed 7
 */
export function pickArchives(keys: readonly string[], fraction: number, seed: number): string[] {
  const sorted = [...new Set(keys)].sort();
  const count = Math.min(sorted.length, Math.ceil(Math.max(0, Math.min(1, fraction)) * sorted.length));
  const random = mulberry32(seed);
  // Fisher–Yates over the sorted keys, then the first `count`.
  for (let i = sorted.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sorted[i], sorted[j]] = [sorted[j]!, sorted[i]!];
  }
  return sorted.slice(0, count).sort();
}

/** A seed from a number in [0, 1) (Math.random, or a durable step's). */
export const seedFrom = (random: number): number => Math.floor(random * 4_294_967_296) >>> 0;
