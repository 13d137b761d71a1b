/**
 * Facestyle's kernels for the TF.js wasm backend: the gradients that training and style transfer
 * need, routed through XNNPACK's fast forward convolution and GEMM (see each kernel's file).
 *
 * Importing this module registers `installFastWasmKernels` with the backend choice, which calls it
 * right after `tf.setBackend('wasm')`; tests and benchmarks may call it (and `uninstall…`) directly.
 * It also asks for a multi-threaded XNNPACK (one thread per core, at most 4; see wasm-threads.ts),
 * which takes effect if the wasm backend has not started yet; `requestWasmThreads(1)` before the
 * backend starts keeps it single-threaded.
 */
import { engine, getKernel, KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import os from 'node:os';
import { setWasmKernelInstaller } from '../backend/backend-choice';
import { batchMatMulConfig } from './batch-mat-mul';
import { transposeConfig } from './transpose';
import { batchNormGradConfig, installBatchNormGradient, uninstallBatchNormGradient } from './batch-norm-grad';
import { castConfig } from './cast';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { clearFlippedFilterCache } from './flipped-filter-cache';
import { fusedMatMulConfig } from './fused-mat-mul';
import { identityConfig } from './identity';
import { maxPoolGradConfig } from './max-pool-grad';
import { meanConfig } from './mean';
import { reverseConfig } from './reverse';
import { sumConfig } from './sum';
import { tileConfig } from './tile';
import { BackendWasm, captureStockKernel, stockKernel, WASM } from './wasm-kernel-context';
import { requestWasmThreads, wasmThreadCount } from './wasm-threads';

export { requestWasmThreads, wasmThreadCount, wasmThreadsError } from './wasm-threads';

/** The variant label reported by the backend choice (`@tensorflow/tfjs-backend-wasm (facestyle-kernels)`). */
export const FAST_WASM_KERNELS = 'facestyle-kernels';

/** Every kernel this module adds or replaces. */
export const FAST_WASM_KERNEL_CONFIGS: readonly KernelConfig[] = [
  conv2dBackpropInputConfig,
  conv2dBackpropFilterConfig,
  maxPoolGradConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  tileConfig,
  sumConfig,
  meanConfig,
  identityConfig,
  castConfig,
  batchNormGradConfig,
  transposeConfig,
  reverseConfig,
];

let installed = false;

/**
 * Registers the fast kernels for the wasm backend, and the batch-norm gradient that uses one of
 * them on wasm (see batch-norm-grad.ts), idempotently; returns the variant label,
 * with the XNNPACK thread count when it is more than one.
 */
export function installFastWasmKernels(): string {
  if (!installed) {
    loadWasmPackage();
    for (const config of FAST_WASM_KERNEL_CONFIGS) {
      captureStockKernel(config.kernelName);
      if (getKernel(config.kernelName, WASM)) unregisterKernel(config.kernelName, WASM);
      registerKernel(config);
    }
    installBatchNormGradient();
    installed = true;
  }
  const threads = wasmThreadCount();
  return threads > 1 ? `${FAST_WASM_KERNELS}, ${threads} threads` : FAST_WASM_KERNELS;
}

/**
 * Puts the stock wasm kernels back (for benchmarks and tests that compare the two), and frees the
 * flipped filters Conv2DBackpropInput kept (the stock kernel has no use for them).
 */
export function uninstallFastWasmKernels(): void {
  if (!installed) return;
  // The registry, not findBackend: that would start a backend that has not started yet.
  const backend = engine().registry[WASM];
  if (backend) clearFlippedFilterCache(backend as BackendWasm);
  for (const config of FAST_WASM_KERNEL_CONFIGS) {
    unregisterKernel(config.kernelName, WASM);
    const stock = stockKernel(config.kernelName);
    if (stock) registerKernel(stock);
  }
  uninstallBatchNormGradient();
  installed = false;
}

/** The stock kernels must be registered before they are captured, or they would later overwrite ours. */
function loadWasmPackage(): void {
  require('@tensorflow/tfjs-backend-wasm');
}

/** One XNNPACK thread per core, capped at 4 (only 2 cores were available to measure the gain). */
export function defaultWasmThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

setWasmKernelInstaller(installFastWasmKernels);
requestWasmThreads(defaultWasmThreads());
