/**
 * Seeded, reproducible shuffles for evaluation splits and samples (mulberry32 generator +
 * Fisher–Yates): the same seed always picks the same items, on every machine.
 */

/** A uniform generator on [0, 1) from a 32-bit seed (mulberry32). */
export function seededGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy (Fisher–Yates). */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  const next = seededGenerator(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `count` items chosen with the seed, in their original order. */
export function seededSample<T>(items: readonly T[], count: number, seed: number): T[] {
  if (count >= items.length) return items.slice();
  const chosen = new Set(seededShuffle(items.map((_, i) => i), seed).slice(0, count));
  return items.filter((_, i) => chosen.has(i));
}
