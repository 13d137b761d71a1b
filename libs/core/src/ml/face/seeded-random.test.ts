import { describe, expect, it } from 'vitest';

import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
    for (const v of seqA) expect(v >= 0 && v < 1).toBe(true);
  });

  it('continues the same sequence from a saved state (through JSON)', () => {
    const rng = new SeededRandom(7);
    rng.next();
    rng.next();
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const expected = [rng.next(), rng.int(10), rng.uniform(-1, 1)];
    const restored = new SeededRandom(saved);
    expect([restored.next(), restored.int(10), restored.uniform(-1, 1)]).toEqual(expected);
  });

  it('shuffles into a permutation without touching the input', () => {
    const items = [1, 2, 3, 4, 5, 6];
    const shuffled = new SeededRandom(3).shuffled(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...shuffled].sort()).toEqual(items);
  });
});
