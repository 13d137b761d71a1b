/** Test helper: runs `work` and fails if it leaves more tensors alive than before. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

export async function expectNoTensorLeak<T>(work: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await work();
  expect(tf.memory().numTensors, 'tensors left alive').toBe(before);
  return result;
}
