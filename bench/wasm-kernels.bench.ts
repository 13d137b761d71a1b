/**
 * Benchmark of Facestyle's wasm gradient kernels (libs/core/src/ml/wasm-kernels): the stock wasm
 * backend vs wasm with the kernels vs the cpu backend, on
 *  - one style-transfer iteration (VGG19 to block3, Gram style loss, forward + gradient to the
 *    image + Adam), at 192×256 and 256×256, and
 *  - one triplet training step of the small face CNN (batch 64 of 96×96 greyscale),
 * plus the single kernels those steps spend their time in. Prints seconds and speed-ups.
 *
 *   npx vitest bench --run bench/wasm-kernels.bench.ts      (from the repository root)
 *
 * Knobs (optional): WASM_BENCH_THREADS=1|2|… (XNNPACK threads; default one per core, max 4),
 *   WASM_BENCH_CPU=0 (skip the cpu backend: ~2 min per style iteration) or =all (also time the
 *   cpu backend's triplet step, which takes many minutes), WASM_BENCH_SIZES=192x256,256x256.
 * The workloads match bench/reference/style_iteration.py and triplet_step.py (same synthetic
 * images, weights, losses and optimiser), so their iteration-0 style losses agree.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import {
  installFastWasmKernels,
  requestWasmThreads,
  uninstallFastWasmKernels,
  wasmThreadCount,
} from '../libs/core/src/ml/wasm-kernels';
import { vgg19Block3Dir } from '../libs/core/src/testing/shared-data';

type Variant = 'cpu' | 'wasm stock' | 'wasm + kernels';
const WITH_CPU = process.env.WASM_BENCH_CPU !== '0';
const WITH_CPU_TRIPLET = process.env.WASM_BENCH_CPU === 'all';
const SIZES = (process.env.WASM_BENCH_SIZES ?? '192x256,256x256').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const ONCE = { time: 0, iterations: 2, warmupTime: 0, warmupIterations: 1 };
const SLOW = { time: 0, iterations: 1, warmupTime: 0, warmupIterations: 1 };

if (process.env.WASM_BENCH_THREADS) requestWasmThreads(Number(process.env.WASM_BENCH_THREADS));
// The stock kernels are registered by the package itself; Facestyle's only by installFastWasmKernels().
require('@tensorflow/tfjs-backend-wasm');
const STOCK_HAS = (kernel: string) => tf.getKernel(kernel, 'wasm') !== undefined;
const MISSING = 'n/a (no kernel)';

/** J at iteration 0 of each style run (compare with style_iteration.py's first 'total'). */
const firstLosses: string[] = [];

/** Seconds per run, per workload and variant (the best of the timed runs). */
const results = new Map<string, Map<Variant, number | string>>();
function record(workload: string, variant: Variant, seconds: number | string): void {
  const row = results.get(workload) ?? new Map<Variant, number | string>();
  const old = row.get(variant);
  row.set(variant, typeof old === 'number' && typeof seconds === 'number' ? Math.min(old, seconds) : seconds);
  results.set(workload, row);
}
/**
 * Times one run, then yields to the event loop: runs block for seconds, and vitest's worker must
 * answer its host between them (a single cpu-backend style step, ~2 min, can still trip vitest's
 * "Timeout calling onTaskUpdate" warning; the timings are unaffected).
 */
function timed(workload: string, variant: Variant, run: () => void): () => Promise<void> {
  return async () => {
    const t0 = performance.now();
    run();
    record(workload, variant, (performance.now() - t0) / 1000);
    await new Promise((resolve) => setImmediate(resolve));
  };
}

/** Switches backend and kernel set before a variant's runs. */
async function use(variant: Variant): Promise<void> {
  await tf.setBackend(variant === 'cpu' ? 'cpu' : 'wasm');
  if (variant === 'wasm + kernels') installFastWasmKernels();
  if (variant === 'wasm stock') uninstallFastWasmKernels();
}
const VARIANTS: Variant[] = WITH_CPU ? ['wasm + kernels', 'wasm stock', 'cpu'] : ['wasm + kernels', 'wasm stock'];

// ---------------------------------------------------------------------------------------------
// Style step: DESIGN.md's losses on VGG19 to block3 (style block1..3_conv1, content block3_conv2).

const STYLE_LAYERS = ['block1_conv1', 'block2_conv1', 'block3_conv1'];
const CONTENT_LAYER = 'block3_conv2';
const BGR_MEAN = [103.939, 116.779, 123.68];

async function loadVgg(): Promise<tf.LayersModel> {
  const dir = vgg19Block3Dir();
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p)))));
  const weightData = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const full = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
  const outputs = [...STYLE_LAYERS, CONTENT_LAYER].map((n) => full.getLayer(n).output as tf.SymbolicTensor);
  return tf.model({ inputs: full.inputs, outputs });
}

/** The synthetic content and style images of bench/reference/style_iteration.py, RGB 0..255. */
function syntheticImages(h: number, w: number): [tf.Tensor4D, tf.Tensor4D] {
  const content = new Float32Array(h * w * 3);
  const style = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * w + x) * 3 + c;
        content[i] = 127.5 + 100 * Math.sin(0.05 * x * (c + 1) + 0.07 * y);
        style[i] = 127.5 + 120 * Math.sin(0.3 * x + 0.2 * y * (c + 1)) * Math.cos(0.15 * y);
      }
    }
  }
  return [tf.tensor4d(content, [1, h, w, 3]), tf.tensor4d(style, [1, h, w, 3])];
}

const preprocess = (rgb: tf.Tensor4D) => tf.sub(tf.reverse(rgb, -1), tf.tensor1d(BGR_MEAN)) as tf.Tensor4D;

/** gram = FᵀF / (H·W), as libs/core/src/ml/style/gram-matrix.ts. */
function gram(f: tf.Tensor4D): tf.Tensor2D {
  const [, h, w, c] = f.shape;
  const m = tf.reshape(f, [h * w, c]) as tf.Tensor2D;
  return tf.div(tf.matMul(m, m, true, false), h * w);
}

/** One render iteration: J = J_content + J_style + J_tv, its gradient, Adam (lr 5), clip to 0..255. */
function styleStep(
  model: tf.LayersModel,
  h: number,
  w: number,
  onFirstLoss: (loss: number) => void,
): { step: () => number; dispose: () => void } {
  let iteration = 0;
  const [content, style] = syntheticImages(h, w);
  const contentTarget = tf.tidy(() => (model.predict(preprocess(content)) as tf.Tensor[])[3]);
  const styleGrams = tf.tidy(() => (model.predict(preprocess(style)) as tf.Tensor4D[]).slice(0, 3).map(gram));
  const image = tf.variable(content);
  const optimizer = tf.train.adam(5, 0.9, 0.999, 1e-8);
  const step = () => {
    const cost = optimizer.minimize(
      () => {
        const f = model.apply(preprocess(image as unknown as tf.Tensor4D)) as tf.Tensor4D[];
        const jContent = tf.mean(tf.squaredDifference(f[3], contentTarget));
        const jStyle = tf.div(tf.addN(f.slice(0, 3).map((g, i) => tf.mean(tf.squaredDifference(gram(g), styleGrams[i])))), 3);
        const dy = tf.sub(tf.slice(image, [0, 1, 0, 0], [1, h - 1, w, 3]), tf.slice(image, [0, 0, 0, 0], [1, h - 1, w, 3]));
        const dx = tf.sub(tf.slice(image, [0, 0, 1, 0], [1, h, w - 1, 3]), tf.slice(image, [0, 0, 0, 0], [1, h, w - 1, 3]));
        const jTv = tf.add(tf.sum(tf.abs(dy)), tf.sum(tf.abs(dx)));
        return tf.addN([jContent, jStyle, jTv]) as tf.Scalar;
      },
      true,
      [image],
    ) as tf.Scalar;
    tf.tidy(() => image.assign(tf.clipByValue(image, 0, 255)));
    const value = cost.dataSync()[0];
    cost.dispose();
    if (iteration++ === 0) onFirstLoss(value);
    return value;
  };
  return {
    step,
    dispose: () => {
      tf.dispose([content, style, contentTarget, ...styleGrams, image]);
      optimizer.dispose();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Triplet step: bench/reference/triplet_step.py's model, loss and optimiser.

function tripletModel(): tf.LayersModel {
  const input = tf.input({ shape: [96, 96, 1] });
  let x: tf.SymbolicTensor = input;
  for (const filters of [32, 64, 128]) {
    x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 128 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

/** Batch-hard triplet loss, margin 0.2, on L2-normalised embeddings (Euclidean distance). */
function batchHardLoss(embeddings: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const e = tf.div(embeddings, tf.add(tf.norm(embeddings, 2, 1, true), 1e-12));
  const sq = tf.sum(tf.square(e), 1);
  const d2 = tf.add(tf.sub(tf.expandDims(sq, 1), tf.mul(tf.matMul(e, e, false, true), 2)), tf.expandDims(sq, 0));
  const d = tf.sqrt(tf.add(tf.relu(d2), 1e-12));
  const same = tf.equal(tf.expandDims(labels, 1), tf.expandDims(labels, 0));
  const hardestPositive = tf.max(tf.where(same, d, tf.zerosLike(d)), 1);
  const hardestNegative = tf.min(tf.where(same, tf.fill(d.shape, 1e9), d), 1);
  return tf.mean(tf.relu(tf.add(tf.sub(hardestPositive, hardestNegative), 0.2)));
}

function tripletStep(): { step: () => number; dispose: () => void } {
  const model = tripletModel();
  const optimizer = tf.train.adam(1e-3);
  const xs = tf.randomUniform([64, 96, 96, 1], 0, 1, 'float32', 3);
  const labels = tf.tensor1d(Array.from({ length: 64 }, (_, i) => Math.floor(i / 4)), 'int32');
  const step = () => {
    const cost = optimizer.minimize(
      () => batchHardLoss(model.apply(xs, { training: true }) as tf.Tensor2D, labels),
      true,
    ) as tf.Scalar;
    const value = cost.dataSync()[0];
    cost.dispose();
    return value;
  };
  return {
    step,
    dispose: () => {
      tf.dispose([xs, labels]);
      optimizer.dispose();
      model.dispose();
    },
  };
}

// ---------------------------------------------------------------------------------------------

let vgg: tf.LayersModel;

beforeAll(async () => {
  await tf.setBackend('wasm');
  vgg = await loadVgg();
  console.log(`wasm: ${installFastWasmKernels()}; XNNPACK threads ${wasmThreadCount()}; ${os.cpus().length} cores`);
}, 120_000);

afterAll(() => {
  const label = (v: number | string | undefined) => (typeof v === 'number' ? `${v.toFixed(3)} s` : (v ?? '–'));
  const width = Math.max(...[...results.keys()].map((k) => k.length)) + 2;
  const lines = ['', 'workload'.padEnd(width) + ['wasm + kernels', 'wasm stock', 'cpu', 'vs stock', 'vs cpu'].map((h) => h.padStart(16)).join('')];
  for (const [workload, row] of results) {
    const ours = row.get('wasm + kernels');
    const ratio = (other: number | string | undefined) =>
      typeof ours === 'number' && typeof other === 'number' ? `${(other / ours).toFixed(1)}×` : '–';
    lines.push(
      workload.padEnd(width) +
        [label(ours), label(row.get('wasm stock')), label(row.get('cpu')), ratio(row.get('wasm stock')), ratio(row.get('cpu'))]
          .map((s) => s.padStart(16))
          .join(''),
    );
  }
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log([...lines, '', 'iteration-0 loss J:', ...firstLosses, '', `load average at the end: ${load}`].join('\n'));
});

for (const [h, w] of SIZES) {
  const workload = `style iteration ${h}×${w} (VGG19 block3)`;
  describe(workload, () => {
    for (const variant of VARIANTS) {
      let run: ReturnType<typeof styleStep> | undefined;
      bench(
        variant,
        timed(workload, variant, () => run?.step()),
        {
          ...(variant === 'cpu' ? SLOW : ONCE),
          setup: async () => {
            await use(variant);
            run ??= styleStep(vgg, h, w, (loss) => firstLosses.push(`${workload}, ${variant}: ${loss.toExponential(6)}`));
          },
          teardown: (_task, mode) => {
            if (mode !== 'run') return;
            run?.dispose();
            run = undefined;
          },
        },
      );
    }
  });
}

describe('triplet step (64 × 96×96×1, 3 conv blocks)', () => {
  const workload = 'triplet training step, batch 64 of 96×96';
  for (const variant of VARIANTS) {
    if (variant === 'wasm stock' && !STOCK_HAS('Conv2DBackpropFilter')) {
      record(workload, variant, MISSING);
      continue;
    }
    if (variant === 'cpu' && !WITH_CPU_TRIPLET) {
      record(workload, variant, 'skipped');
      continue;
    }
    let run: ReturnType<typeof tripletStep> | undefined;
    bench(
      variant,
      timed(workload, variant, () => run?.step()),
      {
        ...(variant === 'cpu' ? SLOW : ONCE),
        setup: async () => {
          await use(variant);
          run ??= tripletStep();
        },
        teardown: (_task, mode) => {
          if (mode !== 'run') return;
          run?.dispose();
          run = undefined;
        },
      },
    );
  }
});

/** Single kernels at the shapes the two steps spend their time in. */
describe('kernels', () => {
  const kernelCases: { name: string; kernel: string; inputs: () => Record<string, tf.Tensor>; attrs: Record<string, unknown> }[] = [
    {
      name: 'Conv2DBackpropInput [1,96,128,128]→64 (VGG block2_conv2)',
      kernel: 'Conv2DBackpropInput',
      inputs: () => ({ dy: tf.randomNormal([1, 96, 128, 128]), filter: tf.randomNormal([3, 3, 128, 128]) }),
      attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 96, 128, 128] },
    },
    {
      name: 'Conv2DBackpropInput [64,48,48,64]→32 (triplet block2)',
      kernel: 'Conv2DBackpropInput',
      inputs: () => ({ dy: tf.randomNormal([64, 48, 48, 64]), filter: tf.randomNormal([3, 3, 32, 64]) }),
      attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [64, 48, 48, 32] },
    },
    {
      name: 'Conv2DBackpropFilter 3×3×32×64 on [64,48,48,32]',
      kernel: 'Conv2DBackpropFilter',
      inputs: () => ({ x: tf.randomNormal([64, 48, 48, 32]), dy: tf.randomNormal([64, 48, 48, 64]) }),
      attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] },
    },
    {
      name: 'Gram FᵀF, F = [49152, 64]',
      kernel: 'BatchMatMul',
      inputs: () => {
        const f = tf.randomNormal([49152, 64]);
        return { a: f, b: f };
      },
      attrs: { transposeA: true, transposeB: false },
    },
    {
      name: 'MaxPoolGrad 2×2 on [64,96,96,32]',
      kernel: 'MaxPoolGrad',
      inputs: () => {
        const input = tf.randomNormal([64, 96, 96, 32]);
        return { dy: tf.randomNormal([64, 48, 48, 32]), input, output: tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid') };
      },
      attrs: { filterSize: 2, strides: 2, pad: 'valid' },
    },
    {
      name: 'Tile [1,1,1,32] → [64,96,96,32] (batch-norm grad)',
      kernel: 'Tile',
      inputs: () => ({ x: tf.randomNormal([1, 1, 1, 32]) }),
      attrs: { reps: [64, 96, 96, 1] },
    },
    {
      name: 'Sum over N,H,W of [64,96,96,32]',
      kernel: 'Sum',
      inputs: () => ({ x: tf.randomNormal([64, 96, 96, 32]) }),
      attrs: { axis: [0, 1, 2], keepDims: false },
    },
  ];
  for (const c of kernelCases) {
    describe(c.name, () => {
      for (const variant of ['wasm + kernels', 'wasm stock'] as Variant[]) {
        if (variant === 'wasm stock' && !STOCK_HAS(c.kernel)) {
          record(c.name, variant, MISSING);
          continue;
        }
        let inputs: Record<string, tf.Tensor> | undefined;
        bench(
          variant,
          timed(c.name, variant, () => {
            if (!inputs) return;
            const out = tf.engine().runKernel(c.kernel, inputs, c.attrs as tf.NamedAttrMap) as tf.Tensor;
            out.dataSync();
            out.dispose();
          }),
          {
            ...ONCE,
            setup: async () => {
              await use(variant);
              if (!inputs) inputs = tf.tidy(c.inputs);
            },
            teardown: (_task, mode) => {
              if (mode !== 'run') return;
              if (inputs) tf.dispose(Object.values(inputs));
              inputs = undefined;
            },
          },
        );
      }
    });
  }
});
