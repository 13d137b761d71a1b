/**
 * Cast that shares the buffer when the dtype does not change (see identity.ts). TF.js's ReLU
 * gradient is dy · cast(step(x), 'float32') — a float32 → float32 cast, which the stock kernel
 * answers with a full copy at every ReLU of every backward pass. Real conversions use the stock kernel.
 */
import { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { shareBuffer } from './identity';
import { BackendWasm, runStock, WASM } from './wasm-kernel-context';

export const CAST = 'Cast';

interface Args {
  inputs: { x: TensorInfo };
  backend: BackendWasm;
  attrs: CastAttrs;
}

function cast({ inputs, backend, attrs }: Args): TensorInfo {
  if (attrs.dtype === inputs.x.dtype && inputs.x.dtype !== 'string') return shareBuffer(backend, inputs.x);
  return runStock(CAST, inputs, { ...attrs }, backend);
}

export const castConfig: KernelConfig = {
  kernelName: CAST,
  backendName: WASM,
  kernelFunc: cast as unknown as KernelFunc,
};
