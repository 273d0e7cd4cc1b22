/**
 * A small seeded generator (mulberry32), so that a fault test that failed can be
 * run again with the same faults at the same points: print the seed, pass it back
 * through the environment.
 */
export type SeededRandom = {
  seed: number;
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** `count` distinct integers of [min, max], in ascending order. */
  distinct(count: number, min: number, max: number): number[];
};

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) =>
    min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    distinct(count, min, max) {
      const picked = new Set<number>();
      while (picked.size < Math.min(count, max - min + 1)) {
        picked.add(int(min, max));
      }
      return [...picked].sort((a, b) => a - b);
    },
  };
}
