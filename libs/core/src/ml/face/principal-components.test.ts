/** Subspace-iteration PCA against data with known principal axes, and Gram–Schmidt edge cases. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { orthonormaliseColumns, principalComponents } from './principal-components';
import { SeededRandom } from './seeded-random';
import { initFaceTestBackend } from './testing/test-backend';

beforeAll(async () => {
  await initFaceTestBackend();
});

/** n centred points in 4-D with standard deviations 5, 3, 1, 0.2 along the axes rotated by 45° in the (0,1) and (2,3) planes. */
function rotatedData(n: number): { data: tf.Tensor2D; axes: number[][]; variances: number[] } {
  const rng = new SeededRandom(11);
  const sd = [5, 3, 1, 0.2];
  const r = Math.SQRT1_2;
  const axes = [
    [r, r, 0, 0],
    [r, -r, 0, 0],
    [0, 0, r, r],
    [0, 0, r, -r],
  ];
  const rows: number[][] = [];
  for (let i = 0; i < n; i += 2) {
    const z = sd.map((s) => s * (rng.next() + rng.next() + rng.next() - 1.5) * 2);
    const point = [0, 1, 2, 3].map((d) => z.reduce((sum, zk, k) => sum + zk * axes[k][d], 0));
    rows.push(point, point.map((v) => -v)); // symmetric pairs: exactly centred
  }
  const data = tf.tensor2d(rows);
  const variances = tf.tidy(() => {
    const projected = tf.matMul(data, tf.tensor2d(axes).transpose());
    return Array.from(tf.mean(tf.square(projected), 0).dataSync());
  });
  return { data, axes, variances };
}

describe('principalComponents', () => {
  it('finds the principal axes and their variances, largest first', () => {
    const { data, axes, variances } = rotatedData(2000);
    const pca = principalComponents(data, 3, 1);
    for (let j = 0; j < 3; j++) {
      const direction = [0, 1, 2, 3].map((d) => pca.directions[d * 3 + j]);
      const alignment = Math.abs(direction.reduce((s, v, d) => s + v * axes[j][d], 0));
      expect(alignment).toBeGreaterThan(0.999);
      expect(pca.variances[j]).toBeCloseTo(variances[j], 2);
    }
    data.dispose();
  });

  it('returns orthonormal directions even beyond the data’s rank', () => {
    const data = tf.tensor2d([
      [1, 2, 0, 0, 0],
      [-1, -2, 0, 0, 0],
    ]);
    const pca = principalComponents(data, 4, 2);
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        let dot = 0;
        for (let d = 0; d < 5; d++) dot += pca.directions[d * 4 + a] * pca.directions[d * 4 + b];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
      }
    }
    expect(pca.variances[0]).toBeCloseTo(5, 4); // all variance along (1, 2)/√5
    data.dispose();
  });

  it('does not leak tensors', () => {
    const { data } = rotatedData(50);
    const before = tf.memory().numTensors;
    principalComponents(data, 2, 3);
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });
});

describe('orthonormaliseColumns', () => {
  it('replaces a dependent column with a unit vector orthogonal to the others', () => {
    // Columns (1, 1, 0) and (2, 2, 0): the second depends on the first.
    const m = Float32Array.from([1, 2, 1, 2, 0, 0]);
    orthonormaliseColumns(m, 3, 2);
    const col = (j: number) => [0, 1, 2].map((r) => m[r * 2 + j]);
    const [a, b] = [col(0), col(1)];
    expect(a.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 6);
    expect(b.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 6);
    expect(a.reduce((s, v, i) => s + v * b[i], 0)).toBeCloseTo(0, 6);
  });
});
