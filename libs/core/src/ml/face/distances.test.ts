import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { pairwiseCosine, pairwiseEuclidean, pairwiseSquaredEuclidean, vectorDistance } from './distances';
import { initFaceTestBackend } from './testing/test-backend';

beforeAll(async () => {
  await initFaceTestBackend();
});

const rows = (t: tf.Tensor) => (t.arraySync() as number[][]).map((r) => r.map((v) => Math.round(v * 1e5) / 1e5));

describe('pairwise distances', () => {
  // (0,0), (3,4), (0,1): ‖a−b‖ = 5, ‖a−c‖ = 1, ‖b−c‖ = √(9+9) = √18.
  const points = [[0, 0], [3, 4], [0, 1]];

  it('Euclidean and squared Euclidean (hand-computed)', () => {
    const before = tf.memory().numTensors;
    const e = tf.tensor2d(points);
    const d2 = pairwiseSquaredEuclidean(e);
    const d = pairwiseEuclidean(e);
    expect(rows(d2)).toEqual([[0, 25, 1], [25, 0, 18], [1, 18, 0]]);
    const r18 = Math.round(Math.sqrt(18) * 1e5) / 1e5;
    expect(rows(d)).toEqual([[0, 5, 1], [5, 0, r18], [1, r18, 0]]);
    tf.dispose([e, d2, d]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cosine (hand-computed)', () => {
    // (1,0)·(0,1) = 0 → 1; (1,0)·(−2,0) → cos −1 → 2; (1,0)·(1,1)/√2 → 1 − 1/√2.
    const e = tf.tensor2d([[1, 0], [0, 1], [-2, 0], [1, 1]]);
    const d = pairwiseCosine(e).arraySync();
    expect(d[0][1]).toBeCloseTo(1, 6);
    expect(d[0][2]).toBeCloseTo(2, 6);
    expect(d[0][3]).toBeCloseTo(1 - Math.SQRT1_2, 6);
    expect(d[3][3]).toBeCloseTo(0, 6);
    e.dispose();
  });

  it('has a finite gradient when two embeddings coincide (collapse)', () => {
    const e = tf.tensor2d([[0.6, 0.8], [0.6, 0.8], [1, 0]]);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(pairwiseEuclidean(x as tf.Tensor2D)))(e);
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([e, grad]);
  });

  it('matches the plain-number version', () => {
    expect(vectorDistance([0, 0], [3, 4], 'euclidean')).toBe(5);
    expect(vectorDistance([1, 0], [0, 1], 'cosine')).toBeCloseTo(1, 12);
    expect(() => vectorDistance([1], [1, 2], 'euclidean')).toThrow(/lengths differ/);
  });
});
