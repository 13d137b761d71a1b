/**
 * Plumbing shared by Facestyle's wasm kernels: calling the backend's own (stock) kernels on
 * `TensorInfo`s, reading and writing tensor memory in the wasm heap, and freeing intermediates.
 *
 * Kernels here never go through the engine (no `tf.*` ops, no tidy): they receive `TensorInfo`s
 * and the backend, call other kernels' `kernelFunc` directly and dispose every intermediate
 * with `backend.disposeData`, exactly as the stock wasm kernels do internally. That keeps them
 * cheap (no tape, no tensor bookkeeping) and leak-free by construction.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { getKernel, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

export type { BackendWasm };

export const WASM = 'wasm';

/** The stock wasm kernels, captured before Facestyle replaces any of them. */
const stockKernels = new Map<string, KernelConfig>();

/** Remembers the stock kernel `name` (if any) so overrides can still delegate to it. */
export function captureStockKernel(name: string): KernelConfig | undefined {
  if (!stockKernels.has(name)) {
    const config = getKernel(name, WASM);
    if (config) stockKernels.set(name, config);
  }
  return stockKernels.get(name);
}

/** The stock kernel captured for `name`, if the wasm backend had one. */
export function stockKernel(name: string): KernelConfig | undefined {
  return stockKernels.get(name);
}

/**
 * Runs the stock wasm kernel `name`. The caller owns the returned `TensorInfo` and must either
 * return it from its own kernel or free it with `dispose`.
 */
export function runStock(
  name: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
  backend: BackendWasm,
): TensorInfo {
  const config = stockKernels.get(name) ?? captureStockKernel(name);
  if (!config) throw new Error(`wasm backend has no '${name}' kernel`);
  const out = config.kernelFunc({ inputs, attrs, backend });
  if (Array.isArray(out)) throw new Error(`kernel '${name}' returned several outputs`);
  return out;
}

/** Frees an intermediate made by `runStock` or `allocate`. */
export function dispose(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A new, uninitialised float32 tensor in the wasm heap. */
export function allocate(backend: BackendWasm, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

/**
 * A Float32Array view of a tensor's memory. Views go stale when the wasm heap grows, which any
 * allocation can cause: allocate every tensor a step needs first, then take the views.
 */
export function f32(backend: BackendWasm, info: TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** A tensor that shares `info`'s memory with a new shape (the stock Reshape only adds a reference). */
export function reshape(backend: BackendWasm, info: TensorInfo, shape: number[]): TensorInfo {
  return runStock('Reshape', { x: info }, { shape }, backend);
}

/**
 * `x` with its axes permuted (`out.shape[i] = x.shape[perm[i]]`) by the registered wasm
 * Transpose kernel — Facestyle's tiled one once installed (see transpose.ts).
 */
export function transpose(backend: BackendWasm, info: TensorInfo, perm: number[]): TensorInfo {
  const config = getKernel('Transpose', WASM);
  if (!config) throw new Error(`wasm backend has no 'Transpose' kernel`);
  return config.kernelFunc({ inputs: { x: info }, attrs: { perm }, backend }) as TensorInfo;
}
