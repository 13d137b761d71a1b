/**
 * BatchMatMul that always reaches XNNPACK's GEMM. The stock wasm kernel uses XNNPACK only for a
 * single product with neither operand transposed; anything else (Aᵀ·B, A·Bᵀ, batches) falls
 * back to a scalar triple loop at ~1 GFLOP/s, 20–30× slower. That is exactly what gradients
 * produce: the Gram matrix G = FᵀF of style transfer, and the gradients of every matMul
 * (dA = dC·Bᵀ, dB = Aᵀ·dC).
 *
 * Maths: C[t] = op(A[t])·op(B[t]) with op = identity or transpose of the last two axes, and a
 * batch of one broadcast against the other. Transposed operands are materialised once by the
 * tiled Transpose (transpose.ts; a memory pass, far cheaper than the slow loop); a batch of A against a
 * single B is one GEMM on the stacked rows of A; other batches run one GEMM per item.
 * A single Aᵀ·B with a long inner dimension (a Gram matrix, K = H·W) runs in cache-sized chunks
 * instead (chunked-transposed-product.ts).
 */
import { KernelConfig, KernelFunc, TensorInfo, util } from '@tensorflow/tfjs-core';
import { chunkedTransposedProduct, chunkRows } from './chunked-transposed-product';
import { allocate, BackendWasm, dispose, f32, reshape, runStock, transpose, WASM } from './wasm-kernel-context';

export const BATCH_MAT_MUL = 'BatchMatMul';

interface Args {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: BackendWasm;
  attrs: { transposeA: boolean; transposeB: boolean };
}

function batchMatMul({ inputs, backend, attrs }: Args): TensorInfo {
  const { a, b } = inputs;
  const { transposeA, transposeB } = attrs;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const plain = !transposeA && !transposeB && batchA === 1 && batchB === 1;
  const broadcastable = batchA === batchB || batchA === 1 || batchB === 1;
  if (plain || !broadcastable || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return runStock(BATCH_MAT_MUL, { a, b }, { transposeA, transposeB }, backend);
  }
  if (transposeA && !transposeB && batchA === 1 && batchB === 1) {
    const [k, m] = a.shape.slice(-2);
    const rows = chunkRows(k, m, b.shape[b.shape.length - 1]);
    if (rows) {
      const out = chunkedTransposedProduct(backend, a, b, rows);
      out.shape = [...a.shape.slice(0, -2), m, b.shape[b.shape.length - 1]];
      return out;
    }
  }
  const a3 = transposeA ? transposeLastTwo(backend, a) : a;
  const b3 = transposeB ? transposeLastTwo(backend, b) : b;
  const [m, k] = a3.shape.slice(-2);
  const n = b3.shape[b3.shape.length - 1];
  const batchShape = (batchA >= batchB ? a : b).shape.slice(0, -2);
  const outShape = [...batchShape, m, n];

  let out: TensorInfo;
  if (batchB === 1) {
    // Every item multiplies the same B: stack the rows of all A items into one GEMM.
    const rows = reshape(backend, a3, [1, batchA * m, k]);
    out = runStock(BATCH_MAT_MUL, { a: rows, b: b3 }, { transposeA: false, transposeB: false }, backend);
    dispose(backend, rows);
  } else {
    out = perItem(backend, a3, b3, batchA, batchB, [m, k, n]);
  }
  if (a3 !== a) dispose(backend, a3);
  if (b3 !== b) dispose(backend, b3);
  out.shape = outShape;
  return out;
}

/** C[t] = A[min(t, batchA−1)] · B[t], one GEMM per item on copies of the item's slices. */
function perItem(
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  batchA: number,
  batchB: number,
  [m, k, n]: number[],
): TensorInfo {
  const batch = Math.max(batchA, batchB);
  const out = allocate(backend, [batch, m, n]);
  for (let t = 0; t < batch; t++) {
    const ai = allocate(backend, [1, m, k]);
    const bi = allocate(backend, [1, k, n]);
    const ta = Math.min(t, batchA - 1);
    f32(backend, ai).set(f32(backend, a).subarray(ta * m * k, (ta + 1) * m * k));
    f32(backend, bi).set(f32(backend, b).subarray(t * k * n, (t + 1) * k * n));
    const ci = runStock(BATCH_MAT_MUL, { a: ai, b: bi }, { transposeA: false, transposeB: false }, backend);
    f32(backend, out).set(f32(backend, ci), t * m * n);
    dispose(backend, ai, bi, ci);
  }
  return out;
}

/** x with its last two axes swapped. */
export function transposeLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return transpose(backend, x, perm);
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BATCH_MAT_MUL,
  backendName: WASM,
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
