/**
 * Tile by block copies. The stock wasm kernel computes a source index per output element and
 * takes ~2 s to tile a [1,1,1,C] vector to [64,96,96,C] — which TF.js's batch-norm gradient does
 * once per layer and step (dx = dy · tile(1/√(σ²+ε)) · γ), so it dominated training.
 *
 * Maths: out[i_0, …, i_{r−1}] = x[i_0 mod d_0, …, i_{r−1} mod d_{r−1}],  out shape d_k·reps_k.
 * Done in two stages: (1) every innermost row of x is written at its place in the first tile
 * and repeated along the last axis; (2) for axes r−2 … 0, the finished block of the axes after
 * it is copied reps_k − 1 times along that axis (`copyWithin`, i.e. memmove).
 */
import { KernelConfig, KernelFunc, TensorInfo, TileAttrs, TypedArray, util } from '@tensorflow/tfjs-core';
import { BackendWasm, runStock, WASM } from './wasm-kernel-context';

export const TILE = 'Tile';

/** Runs shorter than this are copied element by element; a call to set/copyWithin costs more. */
const SHORT_RUN = 64;

interface Args {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: TileAttrs;
}

function tileKernel({ inputs, backend, attrs }: Args): TensorInfo {
  const { x } = inputs;
  if (x.dtype === 'string' || x.shape.length === 0) return runStock(TILE, { x }, { ...attrs }, backend);
  const outShape = x.shape.map((d, i) => d * attrs.reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) > 0) {
    tileInto(backend.typedArrayFromHeap(x), x.shape, attrs.reps, backend.typedArrayFromHeap(out));
  }
  return out;
}

/** Writes tile(x, reps) into `out` (row-major, shape x.shape[k]·reps[k]). */
export function tileInto(x: TypedArray, shape: number[], reps: number[], out: TypedArray): void {
  const rank = shape.length;
  const outShape = shape.map((d, i) => d * reps[i]);
  const outStrides = [...util.computeStrides(outShape), 1];
  const inner = shape[rank - 1];
  const rows = x.length / inner;

  // Stage 1: rows of x into the first tile, each repeated along the last axis.
  const index = new Array<number>(rank - 1).fill(0);
  let dst = 0;
  for (let row = 0; row < rows; row++) {
    const src = row * inner;
    for (let t = 0; t < reps[rank - 1]; t++) {
      const at = dst + t * inner;
      if (inner < SHORT_RUN) {
        for (let j = 0; j < inner; j++) out[at + j] = x[src + j];
      } else {
        out.set(x.subarray(src, src + inner), at);
      }
    }
    // Next seed position: odometer over x's outer axes, tracking the output offset.
    for (let k = rank - 2; k >= 0; k--) {
      index[k]++;
      dst += outStrides[k];
      if (index[k] < shape[k]) break;
      dst -= index[k] * outStrides[k];
      index[k] = 0;
    }
  }

  // Stage 2: replicate finished blocks along axes r−2 … 0.
  for (let axis = rank - 2; axis >= 0; axis--) {
    if (reps[axis] === 1) continue;
    const block = outStrides[axis] * shape[axis];
    const seeds = util.sizeFromShape(shape.slice(0, axis));
    const seedIndex = new Array<number>(axis).fill(0);
    let base = 0;
    for (let s = 0; s < seeds; s++) {
      for (let t = 1; t < reps[axis]; t++) {
        if (block < SHORT_RUN) {
          for (let j = 0; j < block; j++) out[base + t * block + j] = out[base + j];
        } else {
          out.copyWithin(base + t * block, base, base + block);
        }
      }
      for (let k = axis - 1; k >= 0; k--) {
        seedIndex[k]++;
        base += outStrides[k];
        if (seedIndex[k] < shape[k]) break;
        base -= seedIndex[k] * outStrides[k];
        seedIndex[k] = 0;
      }
    }
  }
}

export const tileConfig: KernelConfig = {
  kernelName: TILE,
  backendName: WASM,
  kernelFunc: tileKernel as unknown as KernelFunc,
};
