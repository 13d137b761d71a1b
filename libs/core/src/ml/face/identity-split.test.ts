import { describe, expect, it } from 'vitest';

import { splitByIdentity } from './identity-split';

const samples = ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e'].map((identity, i) => ({ identity, i }));

describe('splitByIdentity', () => {
  it('holds out the named identities', () => {
    const split = splitByIdentity(samples, { identities: ['e', 'b'] }, 1);
    expect(split.validationIdentities).toEqual(['b', 'e']);
    expect(split.validation.map((s) => s.i)).toEqual([2, 3, 8, 9]);
    expect(split.train.map((s) => s.identity)).toEqual(['a', 'a', 'c', 'c', 'd', 'd']);
  });

  it('holds out a count or a fraction of identities, the same ones for the same seed', () => {
    const byCount = splitByIdentity(samples, { identities: 2 }, 7);
    expect(byCount.validationIdentities).toHaveLength(2);
    expect(splitByIdentity(samples, { identities: 2 }, 7).validationIdentities).toEqual(byCount.validationIdentities);
    expect(splitByIdentity(samples, { fraction: 0.4 }, 7).validationIdentities).toHaveLength(2);
    const ids = new Set(byCount.train.map((s) => s.identity));
    for (const held of byCount.validationIdentities) expect(ids.has(held)).toBe(false);
  });

  it('refuses unknown names and splits that leave too little to train on', () => {
    expect(() => splitByIdentity(samples, { identities: ['z', 'a'] }, 1)).toThrow(/not in the dataset: z/);
    expect(() => splitByIdentity(samples, { identities: 4 }, 1)).toThrow(/training needs at least 2/);
  });
});
