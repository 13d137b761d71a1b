/**
 * Speed of the product's workloads per TF.js backend, side by side with a PyTorch reference of the
 * same maths on the same machine in the same run (bench/reference/*.py):
 *   - one style-transfer iteration (VGG19 to block3, Gram style loss, Adam on the pixels) at 256 and 512 px;
 *   - one triplet training step of the default embedding CNN (P=16 × K=4, 96×96 greyscale);
 *   - one embedding inference batch (64 images).
 * Target: wasm (with Facestyle's kernels) ≤ 3× PyTorch CPU with 2 threads.
 * SPEED_BACKENDS (default "wasm,cpu"; add "tensorflow" when tfjs-node is installed), SPEED_SIZES (256,512).
 */
import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';
import { EmbeddingTrainer, parseTrainingRunOptions, resolveTrainingConfig } from '@facestyle/core';
import { initBackend } from '../../libs/core/src/ml/backend/backend-choice';
import { requestWasmThreads, wasmThreadCount } from '../../libs/core/src/ml/wasm-kernels';
import { decodeImage, renderSize } from '../../libs/core/src/ml/style/image-io';
import sharp from 'sharp';
import { parseRenderOptions } from '../../libs/core/src/ml/style/render-options';
import { renderStyle } from '../../libs/core/src/ml/style/style-renderer';
import { loadVggModel } from '../../libs/core/src/ml/style/vgg-loader';
import { contentImage, styleImage } from '../../test/support/shared-files';
import { vggBlock3ReadFile } from '../../libs/core/src/ml/style/testing/shared-data';
import { runPyTorchReference } from '../support/pytorch-reference';
import { writeBenchResult } from '../support/bench-results';

const BACKENDS = (process.env.SPEED_BACKENDS ?? 'wasm,cpu').split(',') as ('wasm' | 'cpu' | 'tensorflow')[];
const SIZES = (process.env.SPEED_SIZES ?? '256,512').split(',').map(Number);
/** XNNPACK threads for the wasm backend, as FACESTYLE_WASM_THREADS for a worker (default: one per core). */
if (process.env.SPEED_WASM_THREADS) requestWasmThreads(Number(process.env.SPEED_WASM_THREADS));
const RESULT_NAME = process.env.SPEED_RESULT_NAME ?? 'speed';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface TorchStyle {
  results?: { seconds_per_iteration: number }[];
}
interface TorchTriplet {
  trainStepSeconds?: number;
  inferenceBatchSeconds?: number;
}

/** Per size, the faster of two PyTorch style runs. */
function fasterStyle(a?: TorchStyle, b?: TorchStyle): TorchStyle | undefined {
  if (!a?.results || !b?.results) return a ?? b;
  return { results: a.results.map((r, i) => ({ seconds_per_iteration: Math.min(r.seconds_per_iteration, b.results![i]?.seconds_per_iteration ?? Infinity) })) };
}

/** Per measure, the faster of two PyTorch triplet runs. */
function fasterTriplet(a?: TorchTriplet, b?: TorchTriplet): TorchTriplet | undefined {
  if (!a?.trainStepSeconds || !b?.trainStepSeconds) return a ?? b;
  return { trainStepSeconds: Math.min(a.trainStepSeconds, b.trainStepSeconds), inferenceBatchSeconds: Math.min(a.inferenceBatchSeconds!, b.inferenceBatchSeconds!) };
}

async function styleIterationSeconds(size: number, iterations: number): Promise<{ seconds: number; shape: [number, number] }> {
  const vgg = await loadVggModel(vggBlock3ReadFile);
  const content = await decodeImage(contentImage());
  const style = await decodeImage(styleImage());
  const times: number[] = [];
  let shape: [number, number] = [0, 0];
  await renderStyle(
    { vgg, content, styles: [style], options: parseRenderOptions({ size, iterations, seed: 1 }) },
    {
      onIteration: (r) => {
        if (r.iteration >= 2) times.push(r.secondsPerIteration);
        shape = r.shape;
      },
    },
  );
  vgg.dispose();
  content.dispose();
  style.dispose();
  return { seconds: median(times), shape };
}

async function tripletStepSeconds(steps: number): Promise<{ trainStepSeconds: number; inferenceBatchSeconds: number }> {
  const options = parseTrainingRunOptions({ steps, model: { inputSize: 96, channels: 1 }, sampler: { identitiesPerBatch: 16, imagesPerIdentity: 4 } });
  const config = resolveTrainingConfig(options);
  const sample = (i: number) => ({ identity: `id${i % 20}`, pixels: new Float32Array(96 * 96).map(() => Math.random()) });
  const trainer = EmbeddingTrainer.create(config, { train: Array.from({ length: 120 }, (_, i) => sample(i)), validation: [] });
  const stepTimes: number[] = [];
  await trainer.run({ onStep: (r) => void (r.step > 2 && stepTimes.push(r.stepMs / 1000)) });
  const batch = tf.randomUniform([64, 96, 96, 1]);
  const inferTimes: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const out = trainer.model.predict(batch) as tf.Tensor;
    await out.data();
    out.dispose();
    if (i >= 1) inferTimes.push((performance.now() - t0) / 1000);
  }
  batch.dispose();
  trainer.dispose();
  return { trainStepSeconds: median(stepTimes), inferenceBatchSeconds: median(inferTimes) };
}

it('speed: TF.js backends vs PyTorch', async () => {
  const results: Record<string, unknown> = {};
  const pytorch: Record<string, unknown> = {};
  const meta = await sharp(contentImage()).metadata();
  const shapes = SIZES.map((size) => renderSize([meta.height!, meta.width!], size).join('x'));
  const torchRun = (threads: number) => {
    const style = runPyTorchReference('style_iteration.py', ['--sizes', shapes.join(','), '--iterations', '6', '--threads', String(threads)]);
    // Keep the timings; the per-iteration losses are for the kernels' accuracy tests, not this table.
    for (const r of (style?.results as { losses?: unknown }[] | undefined) ?? []) delete r.losses;
    return { style: style as TorchStyle | undefined, triplet: runPyTorchReference('face_embedding_step.py', ['--threads', String(threads), '--steps', '8']) as TorchTriplet | undefined };
  };
  // PyTorch first, alone on the machine: 2 threads (both cores) and 1 thread.
  const torchBefore = { 2: torchRun(2), 1: torchRun(1) };
  for (const backend of BACKENDS) {
    try {
      const info = await initBackend(backend);
      const entry: Record<string, unknown> = { provider: info.provider, ...(backend === 'wasm' ? { threads: wasmThreadCount() } : {}) };
      for (const size of SIZES) {
        // The pure-JS cpu backend takes minutes per iteration at 512 px: one size is enough to rank it.
        if (backend === 'cpu' && size > SIZES[0]) continue;
        entry[`styleIteration${size}`] = await styleIterationSeconds(size, backend === 'cpu' ? 3 : 6);
      }
      Object.assign(entry, await tripletStepSeconds(backend === 'cpu' ? 5 : 12));
      entry.memory = tf.memory().numTensors;
      results[backend] = entry;
    } catch (err) {
      results[backend] = { skipped: (err as Error).message };
    }
  }
  // PyTorch with 2 threads again after TF.js: two-thread timings swing by ±30 % on a shared host,
  // so the ratios use the faster of the two runs (the less flattering one for TF.js).
  const torchAfter = torchRun(2);
  const torchStyle = fasterStyle(torchBefore[2].style, torchAfter.style);
  const torchTriplet = fasterTriplet(torchBefore[2].triplet, torchAfter.triplet);
  for (const threads of [2, 1] as const) {
    pytorch[`style-${threads}t`] = torchBefore[threads].style;
    pytorch[`triplet-${threads}t`] = torchBefore[threads].triplet;
  }
  pytorch['style-2t-after'] = torchAfter.style;
  pytorch['triplet-2t-after'] = torchAfter.triplet;
  const ratios: Record<string, number | null> = {};
  const wasm = results.wasm as Record<string, { seconds: number } | number> | undefined;
  if (wasm && torchTriplet?.trainStepSeconds) {
    ratios.tripletStepWasmVsTorch2t = Number(((wasm.trainStepSeconds as number) / torchTriplet.trainStepSeconds).toFixed(2));
    ratios.inferenceWasmVsTorch2t = Number(((wasm.inferenceBatchSeconds as number) / torchTriplet.inferenceBatchSeconds!).toFixed(2));
  }
  if (wasm && torchStyle?.results) {
    SIZES.forEach((size, i) => {
      const ours = wasm[`styleIteration${size}`] as { seconds: number } | undefined;
      const theirs = torchStyle.results![i]?.seconds_per_iteration;
      if (ours && theirs) ratios[`styleIteration${size}WasmVsTorch2t`] = Number((ours.seconds / theirs).toFixed(2));
    });
  }
  writeBenchResult(RESULT_NAME, { backends: results, pytorch, pytorchUsedForRatios: { style: torchStyle, triplet: torchTriplet }, ratios, target: { maxRatioVsTorch2t: 3 } });
});
