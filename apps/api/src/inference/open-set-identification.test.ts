import { describe, expect, it } from 'vitest';
import { nearestIdentities, openSetIdentification, openSetSplit } from './open-set-identification';

// Points on a line (1-d embeddings): distances are plain differences.
const at = (identity: string, x: number) => ({ identity, embedding: [x] });

describe('nearestIdentities', () => {
  it('takes the closest enrolment of each identity, closest identity first', () => {
    const enrolled = [at('a', 0), at('a', 10), at('b', 3), at('c', 7)];
    expect(nearestIdentities([8], enrolled, 'euclidean', 3)).toEqual([
      { identity: 'c', distance: 1 },
      { identity: 'a', distance: 2 },
      { identity: 'b', distance: 5 },
    ]);
    expect(nearestIdentities([8], enrolled, 'euclidean', 1)).toEqual([{ identity: 'c', distance: 1 }]);
    expect(nearestIdentities([8], [], 'euclidean', 5)).toEqual([]);
  });
});

describe('openSetSplit', () => {
  it('leaves a seeded third of the identities out, the same for the same seed', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const split = openSetSplit(names, 1);
    expect(split.unknown).toHaveLength(2);
    expect([...split.gallery, ...split.unknown].sort()).toEqual(names);
    expect(openSetSplit([...names].reverse(), 1)).toEqual(split);
    expect(openSetSplit(['a', 'b'], 3).unknown).toHaveLength(1);
    expect(() => openSetSplit(['a'], 1)).toThrow(RangeError);
  });
});

describe('openSetIdentification', () => {
  it('enrols the first image of each gallery identity and counts rank-1, identification within the threshold and false accepts', () => {
    // 3 identities → 1 left out. Which one depends on the seed, so take it from the split.
    const samples = [at('a', 0), at('a', 0.5), at('a', 2.6), at('b', 10), at('b', 10.2), at('c', 20), at('c', 5.1)];
    const { unknown } = openSetSplit(['a', 'b', 'c'], 4);
    const metrics = openSetIdentification(samples, { seed: 4, threshold: 1, metric: 'euclidean' });
    expect(metrics.galleryIdentities).toBe(2);
    expect(metrics.unknownIdentities).toBe(1);
    if (unknown[0] === 'c') {
      // Gallery a@0, b@10. Known probes: a@0.5 (a, 0.5 ✓), a@2.6 (a, 2.6 > t), b@10.2 (b, 0.2 ✓).
      // Unknown probes: c@20 (b, 10: rejected), c@5.1 (b, 4.9: rejected).
      expect(metrics).toMatchObject({ knownProbes: 3, unknownProbes: 2, rank1Accuracy: 1, detectionAndIdentificationRate: 2 / 3, falseAcceptRate: 0, chanceRank1Accuracy: 0.5 });
    } else {
      expect(metrics.knownProbes + metrics.unknownProbes).toBe(samples.length - 2);
    }
  });
});
