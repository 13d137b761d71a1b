/**
 * Conv2DBackpropInput — the gradient of a 2-D convolution with respect to its input — run as one
 * call of the backend's forward convolution (XNNPACK), instead of the stock wasm kernel's direct
 * loop, which is ~15–20× slower than the forward pass it differentiates.
 *
 * Maths. The forward convolution (NHWC, filter W[a, b, c, o]) is
 *   y[n,i,j,o] = Σ_{a,b,c} x[n, i·s_h + a − p_t, j·s_w + b − p_l, c] · W[a,b,c,o]
 * so its input gradient is
 *   dx[n,u,v,c] = Σ_{i,j,a,b,o : i·s_h + a − p_t = u, j·s_w + b − p_l = v} dy[n,i,j,o] · W[a,b,c,o].
 * Substituting a = f_h−1−a' turns this into a stride-1 correlation of dy — with s−1 zeros inserted
 * between its rows and columns when the stride s > 1 — with the filter flipped in both spatial
 * axes and its channel axes swapped:
 *   W'[a',b',o,c] = W[f_h−1−a', f_w−1−b', c, o]
 *   dx = conv2d(dilate_s(dy), W', stride 1,
 *               pad top f_h−1−p_t, left f_w−1−p_l, bottom H−1+p_t−(oh−1)·s_h, right W−1+p_l−(ow−1)·s_w)
 * where the bottom/right padding is whatever makes the output exactly H×W. With stride 1 and
 * non-negative padding the convolution pads by itself; otherwise the zero-dilated, padded copy of
 * dy is written here and convolved with 'valid' padding. W' is kept while W is alive
 * (flipped-filter-cache.ts): a fresh copy per call made XNNPACK re-pack the weights every time.
 *
 * When the input has only a few channels (an image: 1 or 3), the flipped filter has that few
 * output channels, which leaves most of XNNPACK's SIMD lanes idle (8 output channels per
 * micro-kernel tile). Then the same sum is split the other way: one GEMM of dy with the filter,
 *   cols[(n,i,j), (a,b,c)] = Σ_o dy[n,i,j,o] · W[a,b,c,o]       (P × K, K = f_h·f_w·C_in)
 * followed by a scatter-add ("col2im"): dx[n, i·s_h+a−p_t, j·s_w+b−p_l, c] += cols[(n,i,j), (a,b,c)].
 *
 * Dilated forward convolutions never reach this kernel: TF.js refuses their gradient.
 */
import { backend_util, Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { cachedFlippedFilter } from './flipped-filter-cache';
import { allocate, BackendWasm, dispose, f32, reshape, runStock, transpose, WASM } from './wasm-kernel-context';

export const CONV2D_BACKPROP_INPUT = 'Conv2DBackpropInput';

/** Inputs with at most this many channels take the GEMM + col2im route. */
const FEW_INPUT_CHANNELS = 4;
/** …unless its P × K intermediate would exceed this many floats (128 MB). */
const MAX_COLS_FLOATS = 1 << 25;

interface Args {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}

function conv2dBackpropInput({ inputs, backend, attrs }: Args): TensorInfo {
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    return runStock(CONV2D_BACKPROP_INPUT, { dy, filter }, { ...attrs }, backend);
  }
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { inHeight, inWidth, outHeight, outWidth } = info;
  const top = fh - 1 - info.padInfo.top;
  const left = fw - 1 - info.padInfo.left;
  const bottom = inHeight - 1 + info.padInfo.top - (outHeight - 1) * sh;
  const right = inWidth - 1 + info.padInfo.left - (outWidth - 1) * sw;

  const positions = info.batchSize * outHeight * outWidth;
  const taps = fh * fw * info.inChannels;
  if (info.inChannels <= FEW_INPUT_CHANNELS && positions * taps <= MAX_COLS_FLOATS) {
    return viaGemm(backend, dy, filter, info);
  }

  // Owned by the cache, so that XNNPACK's operator for it survives until the next call.
  const flipped = cachedFlippedFilter(backend, filter);
  if (sh === 1 && sw === 1 && Math.min(top, left, bottom, right) >= 0) {
    return runStock(
      'Conv2D',
      { x: dy, filter: flipped },
      { strides: [1, 1], dilations: [1, 1], dataFormat: 'NHWC', pad: explicit(top, bottom, left, right) },
      backend,
    );
  }
  const spread = dilateAndPad(backend, dy, [inHeight + fh - 1, inWidth + fw - 1], [sh, sw], [top, left]);
  const dx = runStock(
    'Conv2D',
    { x: spread, filter: flipped },
    { strides: [1, 1], dilations: [1, 1], dataFormat: 'NHWC', pad: 'valid' },
    backend,
  );
  dispose(backend, spread);
  return dx;
}

/** dx = col2im(dy · Wᵀ): see the file comment. */
function viaGemm(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const taps = fh * fw * ci;
  const flat = reshape(backend, filter, [taps, co]);
  const filterT = transpose(backend, flat, [1, 0]);
  const dy2 = reshape(backend, dy, [n * oh * ow, co]);
  const cols = runStock('BatchMatMul', { a: dy2, b: filterT }, { transposeA: false, transposeB: false }, backend);
  dispose(backend, flat, filterT, dy2);

  const dx = allocate(backend, [n, h, w, ci]);
  const src = f32(backend, cols);
  const dst = f32(backend, dx);
  dst.fill(0);
  let p = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++, p++) {
        let k = p * taps;
        for (let a = 0; a < fh; a++) {
          const u = i * sh + a - info.padInfo.top;
          if (u < 0 || u >= h) {
            k += fw * ci;
            continue;
          }
          for (let q = 0; q < fw; q++, k += ci) {
            const v = j * sw + q - info.padInfo.left;
            if (v < 0 || v >= w) continue;
            const at = ((b * h + u) * w + v) * ci;
            for (let c = 0; c < ci; c++) dst[at + c] += src[k + c];
          }
        }
      }
    }
  }
  dispose(backend, cols);
  return dx;
}

function explicit(top: number, bottom: number, left: number, right: number): backend_util.ExplicitPadding {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

/**
 * out[n, i·s_h + top, j·s_w + left, o] = dy[n, i, j, o], zero elsewhere, in an `[N, height, width, C]`
 * tensor; rows or columns that land outside it (negative padding) are dropped.
 */
function dilateAndPad(
  backend: BackendWasm,
  dy: TensorInfo,
  [height, width]: [number, number],
  [sh, sw]: [number, number],
  [top, left]: [number, number],
): TensorInfo {
  const [n, oh, ow, c] = dy.shape;
  const out = allocate(backend, [n, height, width, c]);
  const src = f32(backend, dy);
  const dst = f32(backend, out);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r = i * sh + top;
      if (r < 0 || r >= height) continue;
      for (let j = 0; j < ow; j++) {
        const col = j * sw + left;
        if (col < 0 || col >= width) continue;
        const from = ((b * oh + i) * ow + j) * c;
        dst.set(src.subarray(from, from + c), ((b * height + r) * width + col) * c);
      }
    }
  }
  return out;
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: CONV2D_BACKPROP_INPUT,
  backendName: WASM,
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
