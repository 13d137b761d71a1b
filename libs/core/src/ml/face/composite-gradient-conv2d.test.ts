import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { CompositeGradientConv2D, conv2dWithCompositeGradient } from './composite-gradient-conv2d';
import { initFaceTestBackend } from './testing/test-backend';

beforeAll(async () => {
  await initFaceTestBackend();
});

const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);

describe('conv2dWithCompositeGradient', () => {
  it('hand case: 1×1 kernel scales, 3×3 box kernel sums the neighbourhood', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(conv2dWithCompositeGradient(x, tf.fill([1, 1, 1, 1], 2) as tf.Tensor4D).dataSync())).toEqual([2, 4, 6, 8]);
    // Zero padding: every pixel of a 2×2 image sees all four → 10 everywhere.
    expect(Array.from(conv2dWithCompositeGradient(x, tf.ones([3, 3, 1, 1]) as tf.Tensor4D).dataSync())).toEqual([10, 10, 10, 10]);
    // dL/dw for L = Σy with a 3×3 kernel: Σ over outputs of the input under each tap.
    // Centre tap sees all pixels (10); corner tap (0,0) sees x[i−1, j−1], only pixel 1 for output (1,1) → 1.
    const dw = tf.grad((w: tf.Tensor) => tf.sum(conv2dWithCompositeGradient(x, w as tf.Tensor4D)))(tf.ones([3, 3, 1, 1]));
    expect(Array.from(dw.dataSync())).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  it('matches the stock conv2d value and gradients for several kernel sizes', () => {
    const before = tf.memory().numTensors;
    for (const k of [1, 3, 5]) {
      tf.tidy(() => {
        const x = tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', k);
        const w = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', k + 10);
        const weights = tf.randomNormal([2, 7, 6, 4], 0, 1, 'float32', k + 20);
        const stock = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), weights)));
        const composite = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(conv2dWithCompositeGradient(a as tf.Tensor4D, b as tf.Tensor4D), weights)),
        );
        const [sx, sw] = stock([x, w]);
        const [cx, cw] = composite([x, w]);
        expect(maxAbs(tf.sub(conv2dWithCompositeGradient(x as tf.Tensor4D, w as tf.Tensor4D), tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))).toBeLessThan(1e-4);
        expect(maxAbs(tf.sub(sx, cx))).toBeLessThan(1e-4);
        expect(maxAbs(tf.sub(sw, cw))).toBeLessThan(1e-3);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses an even kernel', () => {
    expect(() => new CompositeGradientConv2D({ filters: 2, kernelSize: 2 })).toThrow(/odd/);
  });
});
