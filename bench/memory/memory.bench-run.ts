/**
 * Memory over long runs: 500 triplet training steps and 500 style-transfer iterations on the wasm
 * backend. Live tensors must be flat (no leak) and RSS bounded (no growth after warm-up).
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { EmbeddingTrainer, parseTrainingRunOptions, resolveTrainingConfig } from '@facestyle/core';
import { startBackend } from '../../libs/core/src/ml/backend/start-backend';
import { decodeImage } from '../../libs/core/src/ml/style/image-io';
import { parseRenderOptions } from '../../libs/core/src/ml/style/render-options';
import { renderStyle } from '../../libs/core/src/ml/style/style-renderer';
import { loadVggModel } from '../../libs/core/src/ml/style/vgg-loader';
import { vggBlock3ReadFile } from '../../libs/core/src/ml/style/testing/shared-data';
import { contentImage, styleImage } from '../../test/support/shared-files';
import { writeBenchResult } from '../support/bench-results';

const N = Number(process.env.MEMORY_ITERATIONS ?? 500);
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

it('memory over long runs', async () => {
  const backend = await startBackend('wasm');
  // Training: the trainer's own tensors (weights, Adam slots) exist from the start; every step's must go.
  const options = parseTrainingRunOptions({ steps: N, model: { inputSize: 32, embeddingDim: 16 }, sampler: { identitiesPerBatch: 8, imagesPerIdentity: 4 }, evalEvery: 10_000, checkpointEvery: 10_000 });
  const trainer = EmbeddingTrainer.create(resolveTrainingConfig(options), {
    train: Array.from({ length: 160 }, (_, i) => ({ identity: `id${i % 20}`, pixels: new Float32Array(32 * 32).map(() => Math.random()) })),
    validation: [],
  });
  const training = { tensors: [] as number[], rssMiB: [] as number[] };
  await trainer.run({
    onStep: (r) => {
      if (r.step % 50 === 0) {
        training.tensors.push(tf.memory().numTensors);
        training.rssMiB.push(mib(process.memoryUsage().rss));
      }
    },
  });
  trainer.dispose();

  const vgg = await loadVggModel(vggBlock3ReadFile);
  const content = await decodeImage(contentImage());
  const style = await decodeImage(styleImage());
  const render = { tensors: [] as number[], rssMiB: [] as number[] };
  await renderStyle(
    { vgg, content, styles: [style], options: parseRenderOptions({ size: 48, iterations: N, seed: 1 }) },
    {
      onIteration: (r) => {
        if (r.iteration > 0 && r.iteration % 50 === 0) {
          render.tensors.push(tf.memory().numTensors);
          render.rssMiB.push(mib(process.memoryUsage().rss));
        }
      },
    },
  );
  const growth = (xs: number[]) => Number((xs.at(-1)! - xs[1]).toFixed(1));
  const result = {
    backend: `${backend.name} (${backend.provider})`,
    iterations: N,
    training: { ...training, tensorGrowth: training.tensors.at(-1)! - training.tensors[0], rssGrowthAfterWarmupMiB: growth(training.rssMiB) },
    render: { ...render, tensorGrowth: render.tensors.at(-1)! - render.tensors[0], rssGrowthAfterWarmupMiB: growth(render.rssMiB) },
  };
  writeBenchResult('memory', result);
  // No growth: the count may drop by the last iteration's tensors being released.
  expect(result.training.tensorGrowth).toBeLessThanOrEqual(0);
  expect(result.render.tensorGrowth).toBeLessThanOrEqual(0);
});
