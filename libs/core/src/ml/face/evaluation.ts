/**
 * Held-out verification: embed every image (in batches, inference mode), form all
 * same-identity and different-identity pairs, and compute the verification metrics.
 * The decision threshold is the EER point unless a target FAR is given.
 */
import * as tf from '@tensorflow/tfjs';

import { DistanceMetric, vectorDistance } from './distances';
import { FaceSample } from './face-sample';
import { VerificationMetrics, verificationMetrics } from './verification-metrics';

export interface EmbeddingOptions {
  /** Images per forward pass (default 64). */
  batchSize?: number;
  /**
   * Embed each image and its mirror image and use the normalised sum, L2(f(x) + f(flip x)):
   * faces are near-symmetric, so this averages out some pose and lighting asymmetry.
   */
  flipAverage?: boolean;
}

export interface EvaluationOptions extends EmbeddingOptions {
  distance: DistanceMetric;
  /** Choose the threshold with FAR ≤ targetFar instead of the EER point. */
  targetFar?: number;
}

/** Embeddings of preprocessed images, one Float32Array per image, in order. */
export async function embedFaces(
  model: tf.LayersModel,
  images: readonly Float32Array[],
  options: EmbeddingOptions = {},
): Promise<Float32Array[]> {
  const { batchSize = 64, flipAverage = false } = options;
  const [, height, width, channels] = model.inputs[0].shape as number[];
  const imageLength = height * width * channels;
  const out: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const chunk = images.slice(start, start + batchSize);
    const batch = new Float32Array(chunk.length * imageLength);
    chunk.forEach((pixels, i) => {
      if (pixels.length !== imageLength) {
        throw new RangeError(`image ${start + i} has ${pixels.length} values, the model expects ${height}×${width}×${channels}`);
      }
      batch.set(pixels, i * imageLength);
    });
    const embeddings = tf.tidy(() => {
      const x = tf.tensor4d(batch, [chunk.length, height, width, channels]);
      const plain = model.predict(x) as tf.Tensor2D;
      if (!flipAverage) return plain;
      const summed = tf.add(plain, model.predict(tf.reverse(x, 2)) as tf.Tensor2D);
      return tf.div(summed, tf.maximum(tf.norm(summed, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D;
    });
    const values = await embeddings.data();
    const dim = embeddings.shape[1];
    embeddings.dispose();
    for (let i = 0; i < chunk.length; i++) out.push(Float32Array.from(values.subarray(i * dim, (i + 1) * dim)));
    // Let the event loop run between batches (lock renewals, cancellation requests).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

/** Distances of all unordered pairs i < j, split by whether the identities match. */
export function pairDistances(
  embeddings: readonly ArrayLike<number>[],
  identities: readonly string[],
  metric: DistanceMetric,
): { same: number[]; different: number[] } {
  const same: number[] = [];
  const different: number[] = [];
  for (let i = 0; i < embeddings.length; i++) {
    for (let j = i + 1; j < embeddings.length; j++) {
      (identities[i] === identities[j] ? same : different).push(vectorDistance(embeddings[i], embeddings[j], metric));
    }
  }
  return { same, different };
}

/** Embeds the held-out faces and computes verification metrics over all their pairs. */
export async function evaluateVerification(
  model: tf.LayersModel,
  faces: readonly FaceSample[],
  options: EvaluationOptions,
): Promise<VerificationMetrics> {
  const embeddings = await embedFaces(
    model,
    faces.map((f) => f.pixels),
    options,
  );
  const { same, different } = pairDistances(
    embeddings,
    faces.map((f) => f.identity),
    options.distance,
  );
  return verificationMetrics(same, different, { targetFar: options.targetFar });
}
