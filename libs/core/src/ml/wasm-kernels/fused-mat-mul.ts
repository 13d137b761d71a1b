/**
 * _FusedMatMul (matMul + bias + activation, as tf.layers' Dense uses) with transposed operands
 * materialised first, for the same reason as in batch-mat-mul.ts: the stock kernel runs XNNPACK
 * only when neither operand is transposed, and a scalar loop otherwise.
 *
 * Maths: act(op(A)·op(B) + bias) = act(A'·B' + bias) with A' = op(A), B' = op(B) written out.
 */
import { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { transposeLastTwo } from './batch-mat-mul';
import { BackendWasm, dispose, runStock, WASM } from './wasm-kernel-context';

export const FUSED_MAT_MUL = '_FusedMatMul';

interface Args {
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: BackendWasm;
  attrs: { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number };
}

function fusedMatMul({ inputs, backend, attrs }: Args): TensorInfo {
  const { a, b } = inputs;
  if (!attrs.transposeA && !attrs.transposeB) {
    return runStock(FUSED_MAT_MUL, inputs as NamedTensorInfoMap, { ...attrs }, backend);
  }
  const a2 = attrs.transposeA ? transposeLastTwo(backend, a) : a;
  const b2 = attrs.transposeB ? transposeLastTwo(backend, b) : b;
  const out = runStock(
    FUSED_MAT_MUL,
    { ...inputs, a: a2, b: b2 } as NamedTensorInfoMap,
    { ...attrs, transposeA: false, transposeB: false },
    backend,
  );
  if (a2 !== a) dispose(backend, a2);
  if (b2 !== b) dispose(backend, b2);
  return out;
}

export const fusedMatMulConfig: KernelConfig = {
  kernelName: FUSED_MAT_MUL,
  backendName: WASM,
  kernelFunc: fusedMatMul as unknown as KernelFunc,
};
