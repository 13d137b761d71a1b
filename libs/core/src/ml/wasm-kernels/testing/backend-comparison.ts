/**
 * Test helpers: run the same kernel or computation on the cpu backend (the reference) and on the
 * wasm backend with Facestyle's kernels, on identical seeded random inputs, and compare.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { clearFlippedFilterCache } from '../flipped-filter-cache';
import { installFastWasmKernels } from '../index';
import type { BackendWasm } from '../wasm-kernel-context';

export type BackendName = 'cpu' | 'wasm';

/** Starts both backends (wasm with the fast kernels) and leaves cpu active. */
export async function startBothBackends(): Promise<void> {
  require('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to start');
  installFastWasmKernels();
  await tf.setBackend('cpu');
}

/** Deterministic N(0,1)-ish values (sum of uniforms), so failures reproduce. */
export function seededValues(size: number, seed: number, { integers = false } = {}): Float32Array {
  let s = seed >>> 0 || 1;
  const next = () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    // Integers in −3..3 make ties, which exercise arg-max tie-breaking.
    out[i] = integers ? Math.floor(next() * 7) - 3 : next() + next() + next() - 1.5;
  }
  return out;
}

export interface Input {
  values: Float32Array | Int32Array;
  shape: number[];
  dtype?: 'float32' | 'int32';
}

export function randomInput(shape: number[], seed: number, options?: { integers?: boolean }): Input {
  return { values: seededValues(shape.reduce((a, b) => a * b, 1), seed, options), shape };
}

/** Runs the kernel `name` on `backend` and returns its output values and shape. */
export async function runKernelOn(
  backend: BackendName,
  name: string,
  inputs: Record<string, Input>,
  attrs: Record<string, unknown>,
): Promise<{ values: Float32Array | Int32Array; shape: number[] }> {
  return runOn(backend, () => {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [key, input] of Object.entries(inputs)) tensors[key] = tf.tensor(input.values, input.shape, input.dtype);
    return tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  });
}

/**
 * Runs `compute` inside tidy on `backend`; returns the result's values and shape. Also checks that
 * nothing leaked: neither engine tensors nor backend buffers (kernels that call other kernels
 * directly could leak intermediates the engine never sees). Buffers are counted without the
 * flipped filters Conv2DBackpropInput keeps on purpose (flipped-filter-cache.ts).
 */
export async function runOn(
  backend: BackendName,
  compute: () => tf.Tensor,
): Promise<{ values: Float32Array | Int32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = backendBuffers(backend);
  const out = tf.tidy(compute);
  const values = (await out.data()) as Float32Array | Int32Array;
  const shape = out.shape;
  out.dispose();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  expect(backendBuffers(backend)).toBe(buffersBefore);
  return { values, shape };
}

/** The active backend's buffer count, after freeing the wasm backend's cached flipped filters. */
function backendBuffers(backend: BackendName): number {
  if (backend === 'wasm') clearFlippedFilterCache(tf.backend() as BackendWasm);
  return tf.backend().numDataIds();
}

/** max |a − e| ≤ tolerance · max(1, max |e|): an error relative to the output's scale. */
export function expectClose(
  actual: { values: ArrayLike<number>; shape: number[] },
  expected: { values: ArrayLike<number>; shape: number[] },
  tolerance = 1e-5,
): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.values.length).toBe(expected.values.length);
  let scale = 1;
  for (let i = 0; i < expected.values.length; i++) scale = Math.max(scale, Math.abs(expected.values[i]));
  let worst = 0;
  for (let i = 0; i < expected.values.length; i++) {
    const d = Math.abs(actual.values[i] - expected.values[i]);
    if (!(d <= worst)) worst = d; // NaN-safe: a NaN difference becomes the worst
  }
  expect(worst / scale).toBeLessThanOrEqual(tolerance);
}

/** Runs the kernel on both backends and compares (cpu is the reference). */
export async function expectKernelMatchesCpu(
  name: string,
  inputs: Record<string, Input>,
  attrs: Record<string, unknown>,
  tolerance = 1e-5,
): Promise<void> {
  const expected = await runKernelOn('cpu', name, inputs, attrs);
  const actual = await runKernelOn('wasm', name, inputs, attrs);
  expectClose(actual, expected, tolerance);
}
