/**
 * The gradient that style transfer needs — of a Gram-matrix style loss plus a content loss with
 * respect to the image, through conv/ReLU/max-pool layers — on wasm against the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, runOn, seededValues, startBothBackends } from './testing/backend-comparison';

const IMAGE: [number, number, number, number] = [1, 20, 26, 3];
const FILTERS: [number, number, number, number][] = [
  [3, 3, 3, 8],
  [3, 3, 8, 8],
  [3, 3, 8, 16],
];

/** Gram matrix FᵀF / (H·W) of a [1, H, W, C] feature map, as style-losses.ts computes it. */
function gram(f: tf.Tensor4D): tf.Tensor2D {
  const [, h, w, c] = f.shape;
  const m = tf.reshape(f, [h * w, c]) as tf.Tensor2D;
  return tf.div(tf.matMul(m, m, true, false), h * w);
}

function objective(input: tf.Tensor): tf.Scalar {
  const image = input as tf.Tensor4D;
  const w = FILTERS.map((s, i) => tf.tensor4d(seededValues(s.reduce((a, b) => a * b, 1), 91 + i), s));
  const b = FILTERS.map((s, i) => tf.tensor1d(seededValues(s[3], 95 + i)));
  const f1 = tf.relu(tf.add(tf.conv2d(image, w[0], 1, 'same'), b[0])) as tf.Tensor4D;
  const f2 = tf.relu(tf.add(tf.conv2d(f1, w[1], 1, 'same'), b[1])) as tf.Tensor4D;
  const pooled = tf.maxPool(f2, 2, 2, 'same');
  const f3 = tf.relu(tf.add(tf.conv2d(pooled, w[2], 1, 'same'), b[2])) as tf.Tensor4D;
  const style = tf.addN([f1, f3].map((f) => tf.mean(tf.square(gram(f)))));
  const content = tf.mean(tf.square(f2));
  return tf.add(style, content);
}

beforeAll(startBothBackends);

describe('style-transfer image gradient on wasm', () => {
  it('matches cpu', async () => {
    const values = seededValues(IMAGE.reduce((a, b) => a * b, 1), 90);
    const gradient = () => tf.grad(objective)(tf.tensor4d(values, IMAGE));
    expectClose(await runOn('wasm', gradient), await runOn('cpu', gradient), 1e-4);
  });
});
