import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { adamUpdate, disposeAdamState, initialAdamState } from './pixel-adam';
import { initTestBackend } from './testing/test-backend';
import { expectNoTensorLeak } from './testing/tensor-leaks';

beforeAll(async () => {
  await initTestBackend();
});

describe('adamUpdate', () => {
  it('moves each pixel by about the learning rate against the gradient sign on the first step, then clips', async () => {
    // Step 1: m̂ = g, v̂ = g², so Δ = −lr·g/(|g| + ε) ≈ −lr·sign(g).
    const x = tf.tensor3d([100, 100, 2, 250], [1, 4, 1]);
    const g = tf.tensor3d([3, -0.5, 10, -1], [1, 4, 1]);
    const adam = initialAdamState([1, 4, 1]);
    await expectNoTensorLeak(async () => {
      const next = adamUpdate(x, g, adam, { learningRate: 5, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
      const values = Array.from(await next.x.data());
      [95, 105, 0, 255].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 3)); // 2 − 5 → 0 and 250 + 5 → 255 clipped
      expect(next.state.step).toBe(1);
      // m = 0.1·g, v = 0.001·g²
      const m = Array.from(await next.state.m.data());
      const v = Array.from(await next.state.v.data());
      expect(m[0]).toBeCloseTo(0.3, 6);
      expect(v[0]).toBeCloseTo(0.009, 6);
      next.x.dispose();
      disposeAdamState(next.state);
    });
    [x, g].forEach((t) => t.dispose());
    disposeAdamState(adam);
  });
});
