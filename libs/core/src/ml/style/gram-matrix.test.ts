/**
 * gramMatrix's one-product gradient, dF = F·(dG + dGᵀ) / (H·W), against autodiff of the plain
 * FᵀF / (H·W), for an upstream gradient that is not symmetric (a symmetric one would hide a
 * missing transpose).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gramMatrix } from './gram-matrix';
import { initTestBackend } from './testing/test-backend';
import { expectNoTensorLeak } from './testing/tensor-leaks';

beforeAll(async () => {
  await initTestBackend();
});

/** The Gram matrix with TF.js's own matMul gradient. */
function autodiffGram(features: tf.Tensor3D | tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const shape = features.shape;
    const [h, w, c] = shape.length === 4 ? [shape[1], shape[2], shape[3]] : [shape[0], shape[1], shape[2]];
    const f = tf.reshape(features, [h * w, c]) as tf.Tensor2D;
    return tf.div(tf.matMul(f, f, true, false), h * w);
  });
}

/** max |a − e| / max(1, max |e|). */
async function relativeError(actual: tf.Tensor, expected: tf.Tensor): Promise<number> {
  expect(actual.shape).toEqual(expected.shape);
  const [a, e] = [await actual.data(), await expected.data()];
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < e.length; i++) {
    scale = Math.max(scale, Math.abs(e[i]));
    worst = Math.max(worst, Math.abs(a[i] - e[i]));
  }
  return worst / scale;
}

const SHAPES: [string, [number, number, number] | [number, number, number, number]][] = [
  ['[H, W, C]', [5, 7, 4]],
  ['[1, H, W, C]', [1, 6, 3, 5]],
];

describe('gramMatrix gradient', () => {
  it.each(SHAPES)('equals autodiff of FᵀF / (H·W) for %s features', async (_, shape) => {
    const channels = shape[shape.length - 1];
    const features = tf.randomNormal(shape, 0, 1, 'float32', 7) as tf.Tensor3D | tf.Tensor4D;
    const weights = tf.randomNormal([channels, channels], 0, 1, 'float32', 8) as tf.Tensor2D;
    const asymmetry = tf.tidy(() => tf.max(tf.abs(tf.sub(weights, tf.transpose(weights)))));
    expect((await asymmetry.data())[0]).toBeGreaterThan(0.1);
    asymmetry.dispose();

    await expectNoTensorLeak(async () => {
      const objective = (gram: typeof gramMatrix) => (x: tf.Tensor) =>
        tf.sum(tf.mul(gram(x as tf.Tensor3D | tf.Tensor4D), weights));
      const custom = tf.valueAndGrad(objective(gramMatrix))(features);
      const autodiff = tf.valueAndGrad(objective(autodiffGram))(features);
      expect(custom.grad.shape).toEqual(shape);
      expect(await relativeError(custom.value, autodiff.value)).toBeLessThan(1e-5);
      expect(await relativeError(custom.grad, autodiff.grad)).toBeLessThan(1e-5);
      tf.dispose([custom.value, custom.grad, autodiff.value, autodiff.grad]);
    });
    tf.dispose([features, weights]);
  });

  it('leaves no tensor behind when the forward pass runs without a gradient', async () => {
    const features = tf.randomNormal([1, 4, 4, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    await expectNoTensorLeak(async () => {
      const gram = gramMatrix(features);
      const expected = autodiffGram(features);
      expect(await relativeError(gram, expected)).toBe(0);
      tf.dispose([gram, expected]);
    });
    features.dispose();
  });

  it('refuses a batch of several images', () => {
    const batch = tf.zeros([2, 3, 3, 2]) as tf.Tensor4D;
    expect(() => gramMatrix(batch)).toThrow(/one image/);
    batch.dispose();
  });
});
