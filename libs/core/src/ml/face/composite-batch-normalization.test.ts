import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { CompositeBatchNormalization } from './composite-batch-normalization';
import { initFaceTestBackend } from './testing/test-backend';

beforeAll(async () => {
  await initFaceTestBackend();
});

const values = (t: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[]) => Array.from((t as tf.Tensor).dataSync());
const maxAbs = (t: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);

describe('CompositeBatchNormalization', () => {
  it('hand case: normalises with batch statistics in training and updates the moving ones', () => {
    const layer = new CompositeBatchNormalization({ momentum: 0.5, epsilon: 0 });
    // One channel, values 1, 3 (batch of 2): μ = 2, σ² = 1 → y = −1, 1.
    const x = tf.tensor4d([1, 3], [2, 1, 1, 1]);
    expect(values(layer.apply(x, { training: true }))).toEqual([-1, 1]);
    const [, , movingMean, movingVariance] = layer.getWeights();
    // moving ← moving − 0.5·(moving − batch): mean 0 → 1, variance 1 → 1.
    expect(values(movingMean)).toEqual([1]);
    expect(values(movingVariance)).toEqual([1]);
    // Inference uses them: (x − 1)/1.
    expect(values(layer.apply(x))).toEqual([0, 2]);
  });

  it('matches the stock BatchNormalization layer in both modes, with the same gradients and no leaks', () => {
    const composite = new CompositeBatchNormalization({ momentum: 0.9 });
    const stock = tf.layers.batchNormalization({ momentum: 0.9 });
    const x = tf.randomNormal([4, 3, 3, 5], 1, 2, 'float32', 1);
    const probe = tf.randomNormal([4, 3, 3, 5], 0, 1, 'float32', 2);
    composite.apply(x);
    stock.apply(x);
    stock.setWeights(composite.getWeights());
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const gradOf = (layer: tf.layers.Layer) =>
        tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, probe)))(x);
      expect(maxAbs(tf.sub(gradOf(composite), gradOf(stock)))).toBeLessThan(1e-4);
      const trainingOut = (layer: tf.layers.Layer) => layer.apply(x, { training: true }) as tf.Tensor;
      expect(maxAbs(tf.sub(trainingOut(composite), trainingOut(stock)))).toBeLessThan(1e-5);
      composite.getWeights().forEach((w, i) => expect(maxAbs(tf.sub(w, stock.getWeights()[i]))).toBeLessThan(1e-5));
      expect(maxAbs(tf.sub(composite.apply(x) as tf.Tensor, stock.apply(x) as tf.Tensor))).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, probe]);
  });
});
