/**
 * Reverse of the innermost axis (and only it) as one pass over memory: the RGB ↔ BGR swap of VGG
 * preprocessing, which style transfer runs on the image forward and on its gradient backward every
 * iteration. The stock wasm kernel computes every element's source coordinates (≈ 8 ms for a
 * 192×256×3 image, 2 % of a style iteration); reversing each run of `c` channels in place of that
 * is a copy (≈ 0.3 ms). Any other set of axes runs the stock kernel.
 */
import { KernelConfig, KernelFunc, TensorInfo, util } from '@tensorflow/tfjs-core';
import { allocate, BackendWasm, f32, runStock, WASM } from './wasm-kernel-context';

export const REVERSE = 'Reverse';

interface Args {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: { dims: number | number[] };
}

/** The axes `dims` names, made non-negative and deduplicated. */
export function reversedAxes(dims: number | number[], rank: number): number[] {
  const list = typeof dims === 'number' ? [dims] : dims;
  return [...new Set(list.map((axis) => (axis < 0 ? axis + rank : axis)))];
}

function reverse({ inputs, backend, attrs }: Args): TensorInfo {
  const { x } = inputs;
  const rank = x.shape.length;
  const axes = reversedAxes(attrs.dims, rank);
  const innermostOnly = rank > 0 && axes.length === 1 && axes[0] === rank - 1;
  if (!innermostOnly || x.dtype !== 'float32') {
    return runStock(REVERSE, { x }, { dims: attrs.dims }, backend);
  }
  const out = allocate(backend, [...x.shape]);
  reverseRuns(f32(backend, x), f32(backend, out), x.shape[rank - 1], util.sizeFromShape(x.shape));
  return out;
}

/** dst = src with every consecutive run of `run` values reversed. */
export function reverseRuns(src: Float32Array, dst: Float32Array, run: number, size: number): void {
  if (run === 3) {
    for (let i = 0; i < size; i += 3) {
      dst[i] = src[i + 2];
      dst[i + 1] = src[i + 1];
      dst[i + 2] = src[i];
    }
    return;
  }
  for (let start = 0; start < size; start += run) {
    const last = start + run - 1;
    for (let k = 0; k < run; k++) dst[start + k] = src[last - k];
  }
}

export const reverseConfig: KernelConfig = {
  kernelName: REVERSE,
  backendName: WASM,
  kernelFunc: reverse as unknown as KernelFunc,
};
