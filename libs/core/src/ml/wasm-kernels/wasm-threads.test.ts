/**
 * The threaded wasm binary under Node (see wasm-threads.ts): it starts with the requested
 * XNNPACK thread count, computes the same as the cpu backend, and does not keep Node alive.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFastWasmKernels, requestWasmThreads, wasmThreadCount, wasmThreadsError } from './index';
import { expectClose, runOn, seededValues } from './testing/backend-comparison';

beforeAll(async () => {
  // Must precede the wasm backend's start, hence no startBothBackends() before it.
  expect(requestWasmThreads(2)).toBe(true);
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(installFastWasmKernels()).toBe('facestyle-kernels, 2 threads');
});

describe('threaded wasm backend', () => {
  it('runs XNNPACK on two threads', () => {
    expect(wasmThreadsError()).toBeUndefined();
    expect(wasmThreadCount()).toBe(2);
  });

  it('computes convolution gradients as the cpu backend does', async () => {
    const x = seededValues(2 * 24 * 20 * 8, 101);
    const w = seededValues(3 * 3 * 8 * 16, 102);
    const loss = (t: tf.Tensor, f: tf.Tensor) =>
      tf.sum(tf.square(tf.relu(tf.conv2d(t as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'))));
    const gradients = () => {
      const [dx, dw] = tf.grads(loss)([tf.tensor4d(x, [2, 24, 20, 8]), tf.tensor4d(w, [3, 3, 8, 16])]);
      return tf.concat([tf.reshape(dx, [-1]), tf.reshape(dw, [-1])]);
    };
    const actual = await runOn('wasm', gradients);
    const expected = await runOn('cpu', gradients);
    expectClose(actual, expected, 1e-5);
  });

  it('is too late to change once the backend has started', () => {
    expect(requestWasmThreads(1)).toBe(false);
  });
});
