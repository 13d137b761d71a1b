/**
 * Mean over leading axes without the stock kernel's transpose (see leading-axes-reduction.ts);
 * other reductions go to the stock kernel. Batch-norm statistics in training are such means.
 *   out[j] = (1/R) Σ_{i ∈ reduced leading axes} x[i, j],  R = number of reduced elements per j
 */
import { KernelConfig, KernelFunc, MeanAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { leadingAxesSplit, reduceLeadingAxes } from './leading-axes-reduction';
import { BackendWasm, runStock, WASM } from './wasm-kernel-context';

export const MEAN = 'Mean';

interface Args {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: MeanAttrs;
}

function mean({ inputs, backend, attrs }: Args): TensorInfo {
  const split = leadingAxesSplit(inputs.x, attrs.axis);
  if (!split) return runStock(MEAN, inputs, { ...attrs }, backend);
  return reduceLeadingAxes(backend, inputs.x, attrs.axis, attrs.keepDims, split, 1 / split[0]);
}

export const meanConfig: KernelConfig = {
  kernelName: MEAN,
  backendName: WASM,
  kernelFunc: mean as unknown as KernelFunc,
};
