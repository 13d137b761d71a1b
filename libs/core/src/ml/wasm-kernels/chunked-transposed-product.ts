/**
 * C = Aᵀ·B for a long inner dimension — the Gram matrix G = FᵀF of style transfer, where F is
 * [H·W, C] (49 152 × 64 for block1 at 192×256) — as a sum of products over row chunks:
 *   C = Σ_chunks A[r0:r1]ᵀ · B[r0:r1]
 * Run whole, XNNPACK's GEMM streams both 12 MB operands from memory once per output tile (40 ms,
 * ≈ 10 GFLOP/s); on ~1 MB chunks the re-reads hit the cache, and each chunk's transpose of A is
 * small enough to stay in cache too. Measured on fresh [49 152, 64] operands, as in a style
 * iteration: 54 ms whole (transpose + GEMM) → 30 ms in chunks of 4 096 rows.
 */
import { TensorInfo } from '@tensorflow/tfjs-core';
import { transposeMatrix } from './transpose';
import { allocate, BackendWasm, dispose, f32, runStock } from './wasm-kernel-context';

/** Floats per chunk operand (1 MB): large enough for XNNPACK's tiles, small enough for the cache. */
const CHUNK_FLOATS = 1 << 18;
/** Chunking pays only when the inner dimension spans several chunks. */
const MIN_CHUNKS = 4;

/** Rows per chunk for operands of `m` and `n` columns, or undefined when `k` rows are too few to chunk. */
export function chunkRows(k: number, m: number, n: number): number | undefined {
  const rows = Math.max(256, Math.floor(CHUNK_FLOATS / Math.max(m, n)));
  return k >= MIN_CHUNKS * rows ? rows : undefined;
}

/**
 * `[m, n]` = Aᵀ·B for A `[k, m]` and B `[k, n]` (float32, no batch), chunk by chunk; `rows` from
 * `chunkRows`. The caller checks shapes and dtypes.
 */
export function chunkedTransposedProduct(backend: BackendWasm, a: TensorInfo, b: TensorInfo, rows: number): TensorInfo {
  const [k, m] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const sum = new Float64Array(m * n);
  for (let r0 = 0; r0 < k; r0 += rows) {
    const count = Math.min(rows, k - r0);
    // Fresh tensors per chunk: XNNPACK caches its packed weights by B's buffer, so B is never reused.
    const chunkAT = allocate(backend, [1, m, count]);
    const chunkB = allocate(backend, [1, count, n]);
    transposeMatrix(f32(backend, a), r0 * m, f32(backend, chunkAT), 0, count, m);
    f32(backend, chunkB).set(f32(backend, b).subarray(r0 * n, (r0 + count) * n));
    const part = runStock('BatchMatMul', { a: chunkAT, b: chunkB }, { transposeA: false, transposeB: false }, backend);
    const values = f32(backend, part);
    for (let i = 0; i < sum.length; i++) sum[i] += values[i];
    dispose(backend, chunkAT, chunkB, part);
  }
  const out = allocate(backend, [m, n]);
  f32(backend, out).set(sum);
  return out;
}
