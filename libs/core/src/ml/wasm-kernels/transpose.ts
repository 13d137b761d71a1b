/**
 * Transposes by cache-sized tiles, for the permutations Facestyle's kernels ask for.
 *
 * The stock wasm Transpose walks the input in order and scatters each value to its output
 * position. When a long axis moves to the front — Fᵀ of a Gram matrix, [49 152, 64] → [64, 49 152],
 * or channel-major activations for the filter gradient — consecutive writes land a whole output
 * row apart, each a cache and TLB miss: 50 ms for those 3 M floats, more than the GEMM that follows
 * (7 ms). Copying small tiles keeps both sides in cache: 6 ms for the same transpose.
 *
 * Any permutation that, after merging axes that stay adjacent, is a swap of two groups behind an
 * optional batch group (`[1, 0]` or `[0, 2, 1]`) is handled here; anything else returns undefined
 * and the stock kernel runs.
 */
import { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, BackendWasm, f32, runStock, WASM } from './wasm-kernel-context';

/**
 * 8×8: the output rows are a power-of-two number of floats apart in our shapes, so the lines of a
 * larger tile map to the same cache sets and evict each other (measured in Node on [49 152, 64]:
 * 8×8 6 ms, 16×16 11 ms, 32×32 25–40 ms).
 */
const TILE = 8;

/** `[batch, rows, cols]` such that transposing is swapping rows and cols per batch item, or undefined. */
export function batchedSwapOf(shape: readonly number[], perm: readonly number[]): [number, number, number] | undefined {
  // Merge runs of input axes that stay consecutive in the output.
  const groups: number[][] = [];
  for (const axis of perm) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  const size = (axes: number[]) => axes.reduce((n, a) => n * shape[a], 1);
  if (groups.length === 2 && groups[0][0] > groups[1][0]) return [1, size(groups[1]), size(groups[0])];
  if (groups.length === 3 && groups[0][0] === 0 && groups[1][0] > groups[2][0]) {
    return [size(groups[0]), size(groups[2]), size(groups[1])];
  }
  return undefined;
}

/** `x` permuted by `perm` when that is a (batched) two-group swap; undefined otherwise. */
export function blockedTranspose(backend: BackendWasm, x: TensorInfo, perm: readonly number[]): TensorInfo | undefined {
  if (x.dtype !== 'float32') return undefined;
  const swap = batchedSwapOf(x.shape, perm);
  if (!swap) return undefined;
  const out = allocate(backend, perm.map((axis) => x.shape[axis]));
  const src = f32(backend, x);
  const dst = f32(backend, out);
  const [batch, rows, cols] = swap;
  for (let b = 0; b < batch; b++) transposeMatrix(src, b * rows * cols, dst, b * rows * cols, rows, cols);
  return out;
}

/** dst[to + c·rows + r] = src[from + r·cols + c] for one rows×cols matrix, tile by tile. */
export function transposeMatrix(src: Float32Array, from: number, dst: Float32Array, to: number, rows: number, cols: number): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const row = from + r * cols;
        for (let c = c0; c < c1; c++) dst[to + c * rows + r] = src[row + c];
      }
    }
  }
}

interface TransposeArgs {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: { perm: number[] };
}

function transposeKernel({ inputs, backend, attrs }: TransposeArgs): TensorInfo {
  return blockedTranspose(backend, inputs.x, attrs.perm) ?? runStock('Transpose', { x: inputs.x }, { perm: attrs.perm }, backend);
}

export const transposeConfig: KernelConfig = {
  kernelName: 'Transpose',
  backendName: WASM,
  kernelFunc: transposeKernel as unknown as KernelFunc,
};
