/** The fused batch-norm gradient on wasm against the cpu backend's (tfjs-core's op-by-op) one. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, runOn, seededValues, startBothBackends } from './testing/backend-comparison';

beforeAll(startBothBackends);

describe('FusedBatchNorm gradient on wasm', () => {
  // Only with a scale: tfjs-core itself cannot differentiate batchNorm without one (it tries to
  // save the missing input for the backward pass, on every backend).
  it.each([[[4, 6, 5, 3]], [[2, 7, 7, 16]], [[50, 8]]] as [number[]][])('matches cpu for x %j', async (shape) => {
    const c = shape[shape.length - 1];
    const size = shape.reduce((a, b) => a * b, 1);
    const gradients = () => {
      const x = tf.tensor(seededValues(size, 111), shape);
      const mean = tf.tensor1d(seededValues(c, 112));
      const variance = tf.tensor1d(seededValues(c, 113).map((v) => 0.5 + v * v));
      const scale = tf.tensor1d(seededValues(c, 114));
      const offset = tf.tensor1d(seededValues(c, 115));
      const weights = tf.tensor(seededValues(size, 116), shape);
      const f = (xx: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
        tf.sum(tf.mul(tf.batchNorm(xx, m, v, o, s, 1e-3), weights));
      const grads = tf.grads(f)([x, mean, variance, offset, scale]);
      return tf.concat(grads.map((g) => tf.reshape(g, [-1])));
    };
    expectClose(await runOn('wasm', gradients), await runOn('cpu', gradients), 1e-5);
  });
});
