/**
 * Training runs with the pretrained vgg19 backbone (tiny: 16×16 AT&T faces): the head's
 * initialisation, frozen backbone weights, resume after a stop, and the error without VGG19.
 * On the wasm backend with Facestyle's kernels, as a CPU worker runs them.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { vggBlock3ReadFile } from '../style/testing/shared-data';
import { initBackend } from '../backend/backend-choice';
import '../wasm-kernels';
import { loadVggModel } from '../style/vgg-loader';
import { FaceSample } from './face-sample';
import { tinyTrainingConfig, tinyTrainingData } from './testing/tiny-training';
import { TrainingCheckpoint } from './training-checkpoint';
import { EmbeddingTrainer } from './trainer';

let vgg: tf.LayersModel;
let data: { train: FaceSample[]; validation: FaceSample[] };
const config = (steps = 4) => tinyTrainingConfig({ steps, model: { backbone: 'vgg19', inputSize: 16, channels: 1, embeddingDim: 8 } });

beforeAll(async () => {
  // VGG's convolutions are too slow on the pure-JS cpu backend even at 16×16; the product's CPU path is wasm.
  await initBackend('wasm');
  vgg = await loadVggModel(vggBlock3ReadFile);
  data = await tinyTrainingData(config());
});

afterAll(() => vgg.dispose());

const weightsByName = (model: tf.LayersModel) => new Map(model.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]));

describe('a vgg19-backbone training run', () => {
  it('preprocesses to [-1, 1] and starts from standardised features and an orthonormal projection', async () => {
    expect(config().preprocessing.normalization).toBe('symmetric-unit-range');
    const trainer = EmbeddingTrainer.create(config(), data, vgg);
    await trainer.initialiseHeadIfPending();
    const standardised = tf.tidy(() => {
      const model = trainer.model;
      const features = tf.model({ inputs: model.inputs, outputs: model.getLayer('feature_standardization').output as tf.SymbolicTensor });
      const [, s, , c] = model.inputs[0].shape as number[];
      const pixels = tf.tensor4d(Float32Array.from(data.train.flatMap((f) => Array.from(f.pixels))), [data.train.length, s, s, c]);
      const both = features.predict(tf.concat([pixels, tf.reverse(pixels, 2)])) as tf.Tensor2D;
      const { mean, variance } = tf.moments(both, 0);
      return { mean: Array.from(mean.dataSync()), std: Array.from(tf.sqrt(variance).dataSync()) };
    });
    expect(Math.max(...standardised.mean.map(Math.abs))).toBeLessThan(1e-3);
    // Standardised to 1, less for features that barely vary (their spread is floored).
    expect(Math.max(...standardised.std)).toBeLessThan(1.0001);
    expect(standardised.std.filter((s) => s > 0.9).length).toBeGreaterThan(standardised.std.length / 2);
    const kernel = trainer.model.getLayer('projection').getWeights()[0] as tf.Tensor2D;
    const gram = tf.tidy(() => Array.from(tf.matMul(kernel, kernel, true, false).dataSync()));
    gram.forEach((v, i) => expect(v).toBeCloseTo(i % 9 === 0 ? 1 : 0, 4));
    trainer.dispose();
  });

  it('trains the projection only, and resumes to the same weights as an uninterrupted run', async () => {
    const before = tf.memory().numTensors;
    const straight = EmbeddingTrainer.create(config(), data, vgg);
    await straight.initialiseHeadIfPending();
    const initial = weightsByName(straight.model);
    const result = await straight.run();
    expect(result.status).toBe('completed');
    expect(result.lastEvaluation?.metrics.rocAuc).toBeGreaterThan(0.5);
    const trained = weightsByName(straight.model);
    for (const [name, values] of initial) {
      if (name.startsWith('projection/')) expect(trained.get(name)).not.toEqual(values);
      else expect(trained.get(name)).toEqual(values); // frozen backbone and fixed standardisation
    }

    const first = EmbeddingTrainer.create(config(), data, vgg);
    const stopped = await first.run({ shouldStop: () => first.step === 2 });
    const checkpoint = stopped.checkpoint as TrainingCheckpoint;
    first.dispose();
    const resumed = await EmbeddingTrainer.resume(structuredClone(checkpoint), data);
    await resumed.run();
    // The same values up to float rounding (wasm's multi-threaded reductions may sum in another order).
    const losses = straight.lossHistory.map((r) => r.loss);
    resumed.lossHistory.forEach((r, i) => expect(r.loss).toBeCloseTo(losses[i], 5));
    const resumedWeights = weightsByName(resumed.model);
    for (const [name, values] of trained) {
      const other = resumedWeights.get(name) as number[];
      expect(values.reduce((worst, v, i) => Math.max(worst, Math.abs(v - other[i])), 0)).toBeLessThan(1e-6);
    }
    straight.dispose();
    resumed.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('needs the VGG19 model', () => {
    expect(() => EmbeddingTrainer.create(config(), data)).toThrow(/needs the VGG19 model/);
  });
});
