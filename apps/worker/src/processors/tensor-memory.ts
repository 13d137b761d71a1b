import * as tf from '@tensorflow/tfjs';

/** Live tensors and their bytes in this process, reported with progress for the worker's metrics. */
export function tensorMemory(): { numTensors: number; numBytes: number } {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes };
}
