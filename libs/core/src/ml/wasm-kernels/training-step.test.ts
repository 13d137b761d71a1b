/**
 * End to end: one training step of a small tf.layers CNN (conv → batch norm → ReLU → max pool,
 * twice, then global average pooling and dense) on wasm, with every gradient compared against the
 * cpu backend; then Adam steps on wasm that reduce the loss and leak nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, seededValues, startBothBackends } from './testing/backend-comparison';

const INPUT: [number, number, number, number] = [8, 16, 16, 1];

function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: INPUT.slice(1) });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }).apply(input);
  x = tf.layers.batchNormalization().apply(x);
  x = tf.layers.reLU().apply(x);
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x);
  x = tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' }).apply(x);
  x = tf.layers.batchNormalization().apply(x);
  x = tf.layers.reLU().apply(x);
  x = tf.layers.globalAveragePooling2d({}).apply(x);
  const out = tf.layers.dense({ units: 4 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const xValues = seededValues(INPUT.reduce((a, b) => a * b, 1), 81);
const targetValues = seededValues(INPUT[0] * 4, 82);

/** Mean squared error of the model's training-mode output against a fixed target. */
function loss(model: tf.LayersModel): tf.Scalar {
  const x = tf.tensor4d(xValues, INPUT);
  const y = model.apply(x, { training: true }) as tf.Tensor;
  return tf.mean(tf.squaredDifference(y, tf.tensor2d(targetValues, [INPUT[0], 4])));
}

async function gradientsOn(backend: 'cpu' | 'wasm', weights: Float32Array[]): Promise<Map<string, Float32Array>> {
  await tf.setBackend(backend);
  const model = buildModel();
  model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i].shape)));
  const { grads, value } = tf.variableGrads(() => loss(model));
  const out = new Map<string, Float32Array>();
  // Layer names differ between the two models; the order of trainable weights does not.
  const names = model.trainableWeights.map((w) => `${w.originalName.replace(/\d+\//, '/')} [${w.shape}]`);
  const ordered = model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]);
  for (let i = 0; i < ordered.length; i++) out.set(`${i}:${names[i]}`, (await ordered[i].data()) as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

beforeAll(startBothBackends);

describe('a tf.layers CNN on wasm', () => {
  it('has the same gradients as on cpu', async () => {
    await tf.setBackend('cpu');
    const reference = buildModel();
    const weights = await Promise.all(reference.getWeights().map(async (w) => (await w.data()) as Float32Array));
    reference.dispose();

    const expected = await gradientsOn('cpu', weights);
    const actual = await gradientsOn('wasm', weights);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [name, grad] of expected) {
      const got = actual.get(name) as Float32Array;
      expect(got, name).toBeDefined();
      expectClose({ values: got, shape: [got.length] }, { values: grad, shape: [grad.length] }, 2e-4);
    }
  });

  it('trains with Adam: the loss falls and no tensor leaks', async () => {
    await tf.setBackend('wasm');
    const model = buildModel();
    const optimizer = tf.train.adam(0.01);
    const step = () => {
      const value = optimizer.minimize(() => loss(model), true) as tf.Scalar;
      const v = value.dataSync()[0];
      value.dispose();
      return v;
    };
    const first = step(); // creates Adam's slot variables
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().numDataIds();
    let last = first;
    for (let i = 0; i < 5; i++) last = step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(buffers);
    expect(Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
    optimizer.dispose();
    model.dispose();
  });
});
