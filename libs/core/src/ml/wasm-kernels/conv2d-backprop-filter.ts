/**
 * Conv2DBackpropFilter — the gradient of a 2-D convolution with respect to its filter — which the
 * stock wasm backend lacks (so tf.layers models with Conv2D cannot train on it at all).
 *
 * Maths. With the forward convolution y[n,i,j,o] = Σ_{a,b,c} x[n, i·s_h+a−p_t, j·s_w+b−p_l, c]·W[a,b,c,o],
 *   dW[a,b,c,o] = Σ_{n,i,j} x[n, i·s_h+a−p_t, j·s_w+b−p_l, c] · dy[n,i,j,o]
 * which is one matrix product once x is unfolded ("im2col"): with P = N·oh·ow output positions
 * and K = f_h·f_w·C_in filter taps,
 *   dW (K × C_out) = Xᵀ (K × P) · dY (P × C_out),   Xᵀ[(a,b,c), (n,i,j)] = x[n, i·s_h+a−p_t, j·s_w+b−p_l, c]
 * (zero where the index falls in the padding). The rows of dW are already in the [a, b, c] order
 * of the filter, so no transpose is needed at the end.
 *
 * Why this shape of computation: the stock BatchMatMul runs XNNPACK's fully-connected GEMM only
 * when neither operand is transposed, so Xᵀ is written out explicitly (from a channel-major copy
 * of x, so each row is a run of contiguous reads). P is split into chunks of a few thousand
 * positions and the partial products summed: one GEMM with K_inner = P (10⁵–10⁶) streams its
 * operands through the cache far too often and runs 2–3× slower. Expressing dW as a convolution
 * of xᵀ (batch C_in, channels N) with dyᵀ as a huge filter was measured too and is no faster.
 */
import { backend_util, Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, BackendWasm, dispose, f32, runStock, transpose, WASM } from './wasm-kernel-context';

export const CONV2D_BACKPROP_FILTER = 'Conv2DBackpropFilter';

/** Bounds on the positions per GEMM chunk; within them a chunk's Xᵀ holds about 2M floats. */
const MIN_CHUNK_POSITIONS = 4096;
const MAX_CHUNK_POSITIONS = 16384;
const CHUNK_FLOATS = 1 << 21;

interface Args {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}

/** Geometry of one unfolding. */
export interface Unfold {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

function conv2dBackpropFilter({ inputs, backend, attrs }: Args): TensorInfo {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    throw new Error(`${CONV2D_BACKPROP_FILTER} on wasm supports NHWC only, got ${dataFormat}`);
  }
  const geometry: Unfold = {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const outChannels = info.outChannels;
  const rows = geometry.batch * geometry.outHeight;
  const chunkPositions = Math.min(MAX_CHUNK_POSITIONS, Math.max(MIN_CHUNK_POSITIONS, Math.floor(CHUNK_FLOATS / taps)));
  const rowsPerChunk = isShiftedPlane(geometry)
    ? geometry.outHeight * Math.max(1, Math.round(chunkPositions / (geometry.outHeight * geometry.outWidth)))
    : Math.max(1, Math.floor(chunkPositions / geometry.outWidth));

  // x in channel-major order [C_in, N, H, W]: every row of Xᵀ then reads runs of one image row.
  const channelMajor = info.inChannels === 1 ? x : transpose(backend, x, [3, 0, 1, 2]);
  const dw = allocate(backend, filterShape);
  f32(backend, dw).fill(0);
  for (let row0 = 0; row0 < rows; row0 += rowsPerChunk) {
    const chunkRows = Math.min(rowsPerChunk, rows - row0);
    const positions = chunkRows * geometry.outWidth;
    const cols = allocate(backend, [1, taps, positions]);
    const dyChunk = allocate(backend, [1, positions, outChannels]);
    const first = row0 * geometry.outWidth * outChannels;
    f32(backend, dyChunk).set(f32(backend, dy).subarray(first, first + positions * outChannels));
    unfoldTransposed(f32(backend, channelMajor), f32(backend, cols), geometry, row0, chunkRows);
    const part = runStock('BatchMatMul', { a: cols, b: dyChunk }, { transposeA: false, transposeB: false }, backend);
    const sum = f32(backend, dw);
    const add = f32(backend, part);
    for (let k = 0; k < sum.length; k++) sum[k] += add[k];
    dispose(backend, cols, dyChunk, part);
  }
  if (channelMajor !== x) dispose(backend, channelMajor);
  return dw;
}

/**
 * Writes Xᵀ for output rows [row0, row0 + chunkRows) (a row = one (n, i) pair):
 *   cols[(a·f_w + b)·C + c][q·ow + j] = x[n, i·s_h + a − p_t, j·s_w + b − p_l, c],  (n, i) = row0 + q
 * reading x from its channel-major copy `xc` [C, N, H, W].
 */
export function unfoldTransposed(xc: Float32Array, cols: Float32Array, g: Unfold, row0: number, chunkRows: number): void {
  const { batch, inHeight: h, inWidth: w, inChannels, outHeight: oh, outWidth: ow } = g;
  if (isShiftedPlane(g) && row0 % oh === 0 && chunkRows % oh === 0) {
    unfoldShiftedPlanes(xc, cols, g, row0 / oh, chunkRows / oh);
    return;
  }
  const positions = chunkRows * ow;
  for (let a = 0; a < g.filterHeight; a++) {
    for (let b = 0; b < g.filterWidth; b++) {
      // Columns j whose input column j·s_w + b − p_l lies inside the image.
      const shift = b - g.padLeft;
      const jLo = Math.max(0, Math.ceil(-shift / g.strideWidth));
      const jHi = Math.min(ow, Math.floor((w - 1 - shift) / g.strideWidth) + 1);
      for (let c = 0; c < inChannels; c++) {
        const rowBase = ((a * g.filterWidth + b) * inChannels + c) * positions;
        for (let q = 0; q < chunkRows; q++) {
          const row = row0 + q;
          const n = Math.floor(row / oh);
          const u = (row - n * oh) * g.strideHeight + a - g.padTop;
          const dst = rowBase + q * ow;
          if (u < 0 || u >= h || jHi <= jLo) {
            cols.fill(0, dst, dst + ow);
            continue;
          }
          const src = ((c * batch + n) * h + u) * w + shift;
          if (jLo > 0) cols.fill(0, dst, dst + jLo);
          if (g.strideWidth === 1) {
            for (let j = jLo; j < jHi; j++) cols[dst + j] = xc[src + j];
          } else {
            for (let j = jLo; j < jHi; j++) cols[dst + j] = xc[src + j * g.strideWidth];
          }
          if (jHi < ow) cols.fill(0, dst + jHi, dst + ow);
        }
      }
    }
  }
}

/** Stride 1 with output size = input size ('same'): each row of Xᵀ is a shifted copy of an image plane. */
function isShiftedPlane(g: Unfold): boolean {
  return g.strideHeight === 1 && g.strideWidth === 1 && g.outHeight === g.inHeight && g.outWidth === g.inWidth;
}

/**
 * The 'same', stride-1 case of `unfoldTransposed`, for whole images n0 … n0+images−1. Row (a,b,c)
 * of image n is the plane x[n, :, :, c] shifted by (a−p_t, b−p_l): one contiguous copy of the
 * plane offset by (a−p_t)·W + (b−p_l), then zeros where the shift ran off the top or bottom
 * (outside the copied range) or wrapped across a row edge (|b−p_l| columns per row).
 */
function unfoldShiftedPlanes(xc: Float32Array, cols: Float32Array, g: Unfold, n0: number, images: number): void {
  const { batch, inHeight: h, inWidth: w, inChannels } = g;
  const plane = h * w;
  const positions = images * plane;
  for (let a = 0; a < g.filterHeight; a++) {
    for (let b = 0; b < g.filterWidth; b++) {
      const dCol = b - g.padLeft;
      const shift = (a - g.padTop) * w + dCol;
      const tLo = Math.min(plane, Math.max(0, -shift));
      const tHi = Math.max(tLo, Math.min(plane, plane - shift));
      for (let c = 0; c < inChannels; c++) {
        const rowBase = ((a * g.filterWidth + b) * inChannels + c) * positions;
        for (let m = 0; m < images; m++) {
          const src = (c * batch + n0 + m) * plane;
          const dst = rowBase + m * plane;
          if (tLo > 0) cols.fill(0, dst, dst + tLo);
          cols.set(xc.subarray(src + tLo + shift, src + tHi + shift), dst + tLo);
          if (tHi < plane) cols.fill(0, dst + tHi, dst + plane);
          if (dCol < 0) {
            for (let i = 0; i < h; i++) cols.fill(0, dst + i * w, dst + i * w + Math.min(w, -dCol));
          } else if (dCol > 0) {
            for (let i = 0; i < h; i++) cols.fill(0, dst + i * w + Math.max(0, w - dCol), dst + (i + 1) * w);
          }
        }
      }
    }
  }
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: CONV2D_BACKPROP_FILTER,
  backendName: WASM,
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
