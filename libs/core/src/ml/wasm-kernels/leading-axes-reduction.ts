/**
 * Sums over the leading axes of a tensor in one pass — the reduction of batch-norm statistics and
 * of every bias or batch-norm gradient (Σ over N, H, W of an NHWC tensor, per channel).
 *
 * The stock wasm Sum and Mean first transpose the reduced axes innermost (a full copy of an
 * [N·H·W, C] tensor with C small is an expensive strided transpose) and then reduce. Viewing the
 * tensor as an R × C matrix (R = product of the reduced leading axes), the column sums
 *   s[c] = Σ_r x[r·C + c]
 * need no transpose: rows are read in memory order into C float64 accumulators (float64 so a
 * sum over 10⁵–10⁶ rows does not lose the low bits of each term).
 */
import { backend_util, TensorInfo, util } from '@tensorflow/tfjs-core';
import { BackendWasm, f32 } from './wasm-kernel-context';

/**
 * `[rows, cols]` when `axis` (as Sum/Mean take it) is exactly the leading axes 0…k−1 of `shape`
 * and the tensor is float32; undefined otherwise, and the stock kernel should run.
 */
export function leadingAxesSplit(x: TensorInfo, axis: number | number[]): [number, number] | undefined {
  if (x.dtype !== 'float32') return undefined;
  const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  if (axes.length === 0 || axes.some((a, i) => a !== i)) return undefined;
  const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
  return [rows, util.sizeFromShape(x.shape.slice(axes.length))];
}

/** Σ (or mean, with `scale` = 1/rows) over the leading `axis` of `x`, shaped as Sum/Mean shape it. */
export function reduceLeadingAxes(
  backend: BackendWasm,
  x: TensorInfo,
  axis: number | number[],
  keepDims: boolean,
  [rows, cols]: [number, number],
  scale: number,
): TensorInfo {
  const axes = util.parseAxisParam(axis, x.shape);
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  const out = backend.makeOutput(shape, 'float32');
  const src = f32(backend, x);
  const acc = columnSums(src, rows, cols);
  const dst = f32(backend, out);
  for (let c = 0; c < cols; c++) dst[c] = acc[c] * scale;
  return out;
}

/**
 * s[c] = Σ_r x[r·cols + c] in float64. Eight rows per pass over the accumulators: each
 * accumulator is then loaded and stored once per eight rows, which doubles the speed in V8.
 */
export function columnSums(x: Float32Array, rows: number, cols: number): Float64Array {
  const acc = new Float64Array(cols);
  const c2 = 2 * cols;
  const c3 = 3 * cols;
  const c4 = 4 * cols;
  let r = 0;
  for (; r + 8 <= rows; r += 8) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const i = base + c;
      const j = i + c4;
      acc[c] += x[i] + x[i + cols] + (x[i + c2] + x[i + c3]) + (x[j] + x[j + cols] + (x[j + c2] + x[j + c3]));
    }
  }
  for (; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) acc[c] += x[base + c];
  }
  return acc;
}
