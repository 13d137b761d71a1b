/**
 * The batch-norm gradient in two passes over the activations, on wasm.
 *
 * TF.js differentiates FusedBatchNorm with ~15 separate ops (Tile, Multiply, Sub, Sum, …), each
 * a full pass over an [N, H, W, C] tensor: in the triplet CNN's training step they cost more
 * than the convolutions' filter gradients. With y = (x − μ)·s·γ + β, s = 1/√(σ² + ε), per
 * channel c and summing over the R = N·H·W positions r:
 *   ∂x[r,c] = dy[r,c] · s_c · γ_c
 *   ∂μ_c    = −s_c · γ_c · Σ_r dy[r,c]
 *   ∂σ²_c   = −½ · s_c³ · γ_c · Σ_r dy[r,c]·(x[r,c] − μ_c)
 *   ∂γ_c    = s_c · Σ_r dy[r,c]·(x[r,c] − μ_c)
 *   ∂β_c    = Σ_r dy[r,c]
 * (the same formulas as tfjs-core's FusedBatchNorm gradient). One pass gathers the two sums per
 * channel (in float64), a second writes ∂x. The gradient registry is global, so the installed
 * gradient uses the fused kernel only on the wasm backend with per-channel (rank-1) statistics
 * and delegates everything else to the gradient it replaced.
 */
import * as tf from '@tensorflow/tfjs';
import {
  GradConfig,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
  getGradient,
  registerGradient,
  util,
} from '@tensorflow/tfjs-core';
import { allocate, BackendWasm, f32, WASM } from './wasm-kernel-context';

export const FUSED_BATCH_NORM = 'FusedBatchNorm';
/** Facestyle's own kernel name: the five gradients of FusedBatchNorm at once. */
export const BATCH_NORM_GRAD = 'FacestyleBatchNormGrad';

interface Args {
  inputs: { dy: TensorInfo; x: TensorInfo; mean: TensorInfo; variance: TensorInfo; scale?: TensorInfo };
  backend: BackendWasm;
  attrs: { varianceEpsilon: number };
}

/** Outputs [∂x, ∂μ, ∂σ², ∂γ, ∂β]; the statistics' gradients have shape [C]. */
function batchNormGrad({ inputs, backend, attrs }: Args): TensorInfo[] {
  const { dy, x, mean, variance, scale } = inputs;
  const channels = mean.shape[0];
  const rows = util.sizeFromShape(x.shape) / channels;
  const outs = [x.shape, [channels], [channels], [channels], [channels]].map((shape) => allocate(backend, shape));
  const [dxs, dMean, dVariance, dScale, dOffset] = outs.map((info) => f32(backend, info));
  const xv = f32(backend, x);
  const dyv = f32(backend, dy);
  const mu = f32(backend, mean);
  const s = f32(backend, variance).map((v) => 1 / Math.sqrt(v + attrs.varianceEpsilon));
  const gamma = scale ? f32(backend, scale) : new Float32Array(channels).fill(1);

  const [sumDy, sumDyXc] = channelSums(dyv, xv, mu, rows, channels);
  const k = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    k[c] = s[c] * gamma[c];
    dMean[c] = -k[c] * sumDy[c];
    dVariance[c] = -0.5 * s[c] * s[c] * k[c] * sumDyXc[c];
    dScale[c] = s[c] * sumDyXc[c];
    dOffset[c] = sumDy[c];
  }
  for (let r = 0; r < rows; r++) {
    const base = r * channels;
    for (let c = 0; c < channels; c++) dxs[base + c] = dyv[base + c] * k[c];
  }
  return outs;
}

/**
 * Σ_r dy[r,c] and Σ_r dy[r,c]·(x[r,c] − μ_c) in float64, four rows per pass over the
 * accumulators (each is then loaded and stored once per four rows: twice as fast in V8).
 */
function channelSums(dy: Float32Array, x: Float32Array, mu: Float32Array, rows: number, channels: number): [Float64Array, Float64Array] {
  const sumDy = new Float64Array(channels);
  const sumDyXc = new Float64Array(channels);
  const c2 = 2 * channels;
  const c3 = 3 * channels;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const base = r * channels;
    for (let c = 0; c < channels; c++) {
      const i = base + c;
      const m = mu[c];
      const g0 = dy[i];
      const g1 = dy[i + channels];
      const g2 = dy[i + c2];
      const g3 = dy[i + c3];
      sumDy[c] += g0 + g1 + (g2 + g3);
      sumDyXc[c] += g0 * (x[i] - m) + g1 * (x[i + channels] - m) + (g2 * (x[i + c2] - m) + g3 * (x[i + c3] - m));
    }
  }
  for (; r < rows; r++) {
    const base = r * channels;
    for (let c = 0; c < channels; c++) {
      const g = dy[base + c];
      sumDy[c] += g;
      sumDyXc[c] += g * (x[base + c] - mu[c]);
    }
  }
  return [sumDy, sumDyXc];
}

export const batchNormGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_GRAD,
  backendName: WASM,
  kernelFunc: batchNormGrad as unknown as KernelFunc,
};

let replaced: GradConfig | undefined;

/** Routes FusedBatchNorm's gradient through the fused kernel on wasm (idempotent). */
export function installBatchNormGradient(): void {
  if (replaced) return;
  const original = getGradient(FUSED_BATCH_NORM);
  if (!original) return;
  replaced = original;
  registerGradient({
    kernelName: FUSED_BATCH_NORM,
    inputsToSave: original.inputsToSave,
    outputsToSave: original.outputsToSave,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
      const [x, mean, variance, scale] = saved;
      const fused =
        tf.getBackend() === WASM &&
        !Array.isArray(dy) &&
        dy.dtype === 'float32' &&
        mean.rank === 1 &&
        variance.rank === 1 &&
        (scale == null || scale.rank === 1) &&
        x.shape[x.rank - 1] === mean.shape[0];
      if (!fused) return original.gradFunc(dy, saved, attrs);
      const inputs: tf.NamedTensorMap = { dy, x, mean, variance };
      if (scale != null) inputs.scale = scale;
      const [dx, dMean, dVariance, dScale, dOffset] = tf
        .engine()
        .runKernel(BATCH_NORM_GRAD, inputs, { varianceEpsilon: attrs.varianceEpsilon }) as tf.Tensor[];
      return { x: () => dx, mean: () => dMean, variance: () => dVariance, scale: () => dScale, offset: () => dOffset };
    },
  });
}

/** Puts the gradient that `installBatchNormGradient` replaced back. */
export function uninstallBatchNormGradient(): void {
  if (!replaced) return;
  registerGradient(replaced);
  replaced = undefined;
}
