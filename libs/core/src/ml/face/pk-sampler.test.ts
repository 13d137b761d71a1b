import { describe, expect, it } from 'vitest';

import { PkSampler } from './pk-sampler';

// 5 identities × 4 images, plus identity 5 with 1 image and identity 6 with 2.
const labels = [...[0, 1, 2, 3, 4].flatMap((id) => [id, id, id, id]), 5, 6, 6];

describe('PkSampler', () => {
  it('draws P distinct identities × K of their images', () => {
    const sampler = new PkSampler(labels, { identitiesPerBatch: 3, imagesPerIdentity: 2, seed: 1 });
    expect(sampler.batchSize).toBe(6);
    for (let b = 0; b < 20; b++) {
      const { indices, labels: batchLabels } = sampler.nextBatch();
      expect(indices).toHaveLength(6);
      indices.forEach((index, i) => expect(labels[index]).toBe(batchLabels[i]));
      const ids = [batchLabels[0], batchLabels[2], batchLabels[4]];
      expect(new Set(ids).size).toBe(3);
      for (let i = 0; i < 6; i += 2) {
        expect(batchLabels[i]).toBe(batchLabels[i + 1]);
        expect(indices[i]).not.toBe(indices[i + 1]);
      }
      expect(batchLabels).not.toContain(5); // one image: no positive pair possible
    }
  });

  it('visits every eligible identity once per identity epoch', () => {
    const sampler = new PkSampler(labels, { identitiesPerBatch: 2, imagesPerIdentity: 2, seed: 4 });
    // 6 eligible identities, 2 per batch: 3 batches form one epoch.
    const seen = [0, 1, 2].flatMap(() => {
      const { labels: l } = sampler.nextBatch();
      return [l[0], l[2]];
    });
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 6]);
  });

  it('repeats images of an identity that has fewer than K', () => {
    const sampler = new PkSampler([0, 0, 1, 1, 1], { identitiesPerBatch: 2, imagesPerIdentity: 3, seed: 2 });
    const { indices, labels: l } = sampler.nextBatch();
    const zeroIndices = indices.filter((_, i) => l[i] === 0);
    expect(zeroIndices).toHaveLength(3);
    expect(new Set(zeroIndices)).toEqual(new Set([0, 1]));
  });

  it('resumes from a saved state with the same batches', () => {
    const options = { identitiesPerBatch: 3, imagesPerIdentity: 3, seed: 11 };
    const straight = new PkSampler(labels, options);
    const expected = Array.from({ length: 12 }, () => straight.nextBatch());
    const first = new PkSampler(labels, options);
    for (let i = 0; i < 5; i++) first.nextBatch();
    const saved = JSON.parse(JSON.stringify(first.state()));
    const resumed = new PkSampler(labels, options, saved);
    expect(Array.from({ length: 7 }, () => resumed.nextBatch())).toEqual(expected.slice(5));
    expect(resumed.state().batches).toBe(12);
  });

  it('explains impossible settings', () => {
    expect(() => new PkSampler([0, 0, 1], { identitiesPerBatch: 2, imagesPerIdentity: 2, seed: 1 })).toThrow(
      /needs ≥ 2 identities with ≥ 2 images each, found 1/,
    );
    expect(() => new PkSampler(labels, { identitiesPerBatch: 1, imagesPerIdentity: 2, seed: 1 })).toThrow(/identitiesPerBatch/);
  });
});
