/** MaxPoolGrad on wasm (Facestyle kernel) against the cpu backend, ties included. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, randomInput, runOn, seededValues, startBothBackends } from './testing/backend-comparison';

interface Case {
  x: [number, number, number, number];
  filterSize: number;
  strides: number;
  pad: 'same' | 'valid';
}

const CASES: Case[] = [
  { x: [1, 4, 4, 1], filterSize: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 9, 3], filterSize: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 9, 3], filterSize: 2, strides: 2, pad: 'same' },
  { x: [1, 9, 8, 4], filterSize: 3, strides: 2, pad: 'same' },
  { x: [3, 6, 6, 2], filterSize: 3, strides: 1, pad: 'same' },
  { x: [1, 5, 7, 3], filterSize: 3, strides: 3, pad: 'valid' },
  { x: [4, 24, 24, 16], filterSize: 2, strides: 2, pad: 'valid' },
];

beforeAll(startBothBackends);

describe('MaxPoolGrad on wasm', () => {
  it.each(CASES.map((c) => [`x ${c.x} pool ${c.filterSize} stride ${c.strides} ${c.pad}`, c] as const))(
    'matches cpu (with ties): %s',
    async (_, c) => {
      // Integer inputs through ReLU: windows with several equal maxima, as after a real ReLU.
      const x = randomInput(c.x, 31, { integers: true });
      const gradient = () =>
        tf.grad((t: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(tf.relu(t as tf.Tensor4D), c.filterSize, c.strides, c.pad), dyWeights(t as tf.Tensor4D, c))),
        )(tf.tensor4d(x.values, c.x));
      expectClose(await runOn('wasm', gradient), await runOn('cpu', gradient), 1e-6);
    },
  );

  it('routes each window gradient to the first maximum', async () => {
    const grad = await runOn('wasm', () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(tf.tensor4d([1, 5, 5, 2], [1, 2, 2, 1])),
    );
    expect(Array.from(grad.values)).toEqual([0, 1, 0, 0]);
  });
});

/** Distinct weights per output element, so a gradient sent to the wrong place shows up. */
function dyWeights(t: tf.Tensor4D, c: Case): tf.Tensor {
  const out = tf.maxPool(t, c.filterSize, c.strides, c.pad).shape;
  return tf.tensor(seededValues(out.reduce((a, b) => a * b, 1), 32), out);
}
