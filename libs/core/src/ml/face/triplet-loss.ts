/**
 * Triplet loss over the triplets mined from one batch.
 *   hinge:        ℓ(a,p,n) = max(d(a,p) − d(a,n) + m, 0)
 *   soft margin:  ℓ(a,p,n) = softplus(d(a,p) − d(a,n)) = ln(1 + e^{d(a,p) − d(a,n)})   (Hermans et al.)
 * Reduction: batch-hard and semi-hard average over all valid triplets; batch-all averages
 * over the active ones (ℓ > 0) only, since the many easy zeros would otherwise drown the
 * signal ("BA≠0" in Hermans et al.).
 */
import * as tf from '@tensorflow/tfjs';

import { DistanceMetric, pairwiseDistances } from './distances';
import { MiningStrategy, mineTriplets, pairMasks } from './triplet-miners';

export interface TripletLossOptions {
  /** Margin m of the hinge (also the reference for "active" triplets; unused by the soft-margin loss). */
  margin: number;
  mining: MiningStrategy;
  distance: DistanceMetric;
  /** Use softplus(d(a,p) − d(a,n)) instead of the hinge. */
  softMargin: boolean;
}

/** Batch statistics, in the order of the `stats` vector. */
export const TRIPLET_STAT_NAMES = [
  /** Fraction of valid triplets with d(a,p) − d(a,n) + m > 0 (m = 0 for the soft margin). */
  'activeTripletFraction',
  /** Mean distance over all positive pairs of the batch (not only mined ones). */
  'meanPositiveDistance',
  /** Mean distance over all negative pairs of the batch. */
  'meanNegativeDistance',
  /** Mean and standard deviation of the embedding L2 norms. */
  'embeddingNormMean',
  'embeddingNormStd',
  /** Mean distance of the embeddings from their centroid: ≈ 0 when they collapse to one point. */
  'embeddingSpread',
  /** Number of valid triplets. */
  'validTriplets',
] as const;

export type TripletStats = Record<(typeof TRIPLET_STAT_NAMES)[number], number>;

export interface TripletLossOutput {
  loss: tf.Scalar;
  /** TRIPLET_STAT_NAMES.length values; read them with `decodeTripletStats(await stats.data())`. */
  stats: tf.Tensor1D;
}

/**
 * @param embeddings [B, D] batch embeddings.
 * @param labels [B] int32 identity labels.
 */
export function tripletLoss(embeddings: tf.Tensor2D, labels: tf.Tensor1D, options: TripletLossOptions): TripletLossOutput {
  return tf.tidy(() => {
    const distances = pairwiseDistances(embeddings, options.distance);
    const { anchorPositive, anchorNegative, valid } = mineTriplets(distances, labels, options.mining);
    const difference = tf.sub(anchorPositive, anchorNegative);
    const perTriplet = options.softMargin ? tf.softplus(difference) : tf.relu(tf.add(difference, options.margin));
    const masked = tf.mul(perTriplet, valid);
    const validCount = tf.sum(valid);
    const reference = options.softMargin ? 0 : options.margin;
    const activeCount = tf.sum(tf.mul(tf.step(tf.add(difference, reference)), valid));
    // step(x) = [x > 0]; a comparison op here would break the gradient tape (no gradient in TF.js).
    const denominator = options.mining === 'batch-all' ? tf.sum(tf.step(tf.sub(masked, 1e-16))) : validCount;
    const loss = tf.div(tf.sum(masked), tf.maximum(denominator, 1)) as tf.Scalar;
    const stats = tf.stack([
      tf.div(activeCount, tf.maximum(validCount, 1)),
      ...meanPairDistances(distances, labels),
      ...embeddingNormStats(embeddings),
      embeddingSpread(embeddings),
      validCount,
    ]) as tf.Tensor1D;
    return { loss, stats };
  });
}

export function decodeTripletStats(values: ArrayLike<number>): TripletStats {
  return Object.fromEntries(TRIPLET_STAT_NAMES.map((name, i) => [name, values[i]])) as TripletStats;
}

/** [mean D over pos pairs, mean D over neg pairs] (0 when a batch has none). */
function meanPairDistances(distances: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar[] {
  const { positive, negative } = pairMasks(labels);
  const meanOver = (mask: tf.Tensor2D) => tf.div(tf.sum(tf.mul(distances, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  return [meanOver(positive), meanOver(negative)];
}

/** [mean ‖eᵢ‖, std ‖eᵢ‖]. */
function embeddingNormStats(embeddings: tf.Tensor2D): tf.Scalar[] {
  const norms = tf.norm(embeddings, 'euclidean', 1);
  const { mean, variance } = tf.moments(norms);
  return [mean as tf.Scalar, tf.sqrt(variance) as tf.Scalar];
}

/** (1/B)·Σᵢ ‖eᵢ − ē‖. */
export function embeddingSpread(embeddings: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.norm(tf.sub(embeddings, tf.mean(embeddings, 0, true)), 'euclidean', 1)) as tf.Scalar);
}
