/**
 * Sum over leading axes without the stock kernel's transpose (see leading-axes-reduction.ts);
 * other reductions go to the stock kernel.
 *   out[j] = Σ_{i ∈ reduced leading axes} x[i, j]
 */
import { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { leadingAxesSplit, reduceLeadingAxes } from './leading-axes-reduction';
import { BackendWasm, runStock, WASM } from './wasm-kernel-context';

export const SUM = 'Sum';

interface Args {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: SumAttrs;
}

function sum({ inputs, backend, attrs }: Args): TensorInfo {
  const split = leadingAxesSplit(inputs.x, attrs.axis);
  if (!split) return runStock(SUM, inputs, { ...attrs }, backend);
  return reduceLeadingAxes(backend, inputs.x, attrs.axis, attrs.keepDims, split, 1);
}

export const sumConfig: KernelConfig = {
  kernelName: SUM,
  backendName: WASM,
  kernelFunc: sum as unknown as KernelFunc,
};
