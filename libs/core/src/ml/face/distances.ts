/**
 * Pairwise distance matrices between the rows of an embedding batch E ∈ ℝ^{B×D}, and the
 * same distances between two plain vectors (for evaluation and inference).
 */
import * as tf from '@tensorflow/tfjs';

export type DistanceMetric = 'euclidean' | 'cosine';

/**
 * Squared Euclidean distances D²ᵢⱼ = ‖eᵢ‖² − 2·eᵢ·eⱼ + ‖eⱼ‖², clamped at 0 (rounding can
 * make the expansion slightly negative) and with an exact 0 diagonal.
 */
export function pairwiseSquaredEuclidean(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const dot = tf.matMul(embeddings, embeddings, false, true);
    const squaredNorms = tf.sum(tf.square(embeddings), 1);
    const d2 = tf.add(tf.sub(tf.expandDims(squaredNorms, 1), tf.mul(2, dot)), tf.expandDims(squaredNorms, 0));
    const offDiagonal = tf.sub(1, tf.eye(embeddings.shape[0]));
    return tf.mul(tf.relu(d2), offDiagonal) as tf.Tensor2D;
  });
}

/**
 * Euclidean distances Dᵢⱼ = √D²ᵢⱼ. √ has an infinite derivative at 0 (the diagonal, and
 * any two identical embeddings), so zeros are replaced by ε before the root and the
 * result is masked back to 0: value unchanged, gradient finite.
 */
export function pairwiseEuclidean(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const d2 = pairwiseSquaredEuclidean(embeddings);
    // 1 where D² = 0. `step` (not `equal`) because comparison ops have no gradient in TF.js.
    const zero = tf.sub(1, tf.step(d2));
    const d = tf.sqrt(tf.add(d2, tf.mul(zero, 1e-16)));
    return tf.mul(d, tf.sub(1, zero)) as tf.Tensor2D;
  });
}

/** Cosine distances Dᵢⱼ = 1 − eᵢ·eⱼ / (‖eᵢ‖·‖eⱼ‖), in [0, 2]. */
export function pairwiseCosine(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const unit = tf.div(embeddings, tf.maximum(tf.norm(embeddings, 'euclidean', 1, true), 1e-12));
    const similarity = tf.matMul(unit, unit, false, true);
    return tf.relu(tf.sub(1, similarity)) as tf.Tensor2D;
  });
}

export function pairwiseDistances(embeddings: tf.Tensor2D, metric: DistanceMetric): tf.Tensor2D {
  return metric === 'euclidean' ? pairwiseEuclidean(embeddings) : pairwiseCosine(embeddings);
}

/** The same distance between two vectors of equal length, in plain numbers. */
export function vectorDistance(a: ArrayLike<number>, b: ArrayLike<number>, metric: DistanceMetric): number {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} vs ${b.length}`);
  if (metric === 'euclidean') {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
    return Math.sqrt(sum);
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return Math.max(0, 1 - dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-12));
}
