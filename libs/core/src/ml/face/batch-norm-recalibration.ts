/**
 * Re-estimates the batch-norm moving statistics of a model from clean (unaugmented) images:
 * one training-mode pass in batches, each CompositeBatchNormalization layer setting its
 * moving mean and variance to the sample-weighted average of the batch statistics it sees.
 * Why: inference uses the moving statistics, which otherwise average the last few
 * *augmented* training batches (erasing, zoom, brightness shifts) and so describe a
 * different distribution from the images the model is evaluated and used on.
 * Weights are untouched. Stock BatchNormalization layers are left as they are.
 */
import * as tf from '@tensorflow/tfjs';

import { CompositeBatchNormalization } from './composite-batch-normalization';

/** Returns the number of layers re-estimated. */
export async function recalibrateBatchNormalization(
  model: tf.LayersModel,
  images: readonly Float32Array[],
  batchSize = 64,
): Promise<number> {
  const layers = model.layers.filter((l): l is CompositeBatchNormalization => l instanceof CompositeBatchNormalization);
  if (layers.length === 0 || images.length === 0) return 0;
  const [, height, width, channels] = model.inputs[0].shape as number[];
  const imageLength = height * width * channels;
  layers.forEach((l) => l.startStatisticsAveraging());
  try {
    for (let start = 0; start < images.length; start += batchSize) {
      const chunk = images.slice(start, start + batchSize);
      const pixels = new Float32Array(chunk.length * imageLength);
      chunk.forEach((image, i) => pixels.set(image, i * imageLength));
      tf.tidy(() => {
        model.apply(tf.tensor4d(pixels, [chunk.length, height, width, channels]), { training: true });
      });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    layers.forEach((l) => l.stopStatisticsAveraging());
  }
  return layers.length;
}
