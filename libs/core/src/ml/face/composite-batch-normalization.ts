/**
 * Batch normalisation over all axes but the last (channels), written with broadcasting
 * elementary ops:
 *   training:  μ = mean_{b,h,w} x,  σ² = var_{b,h,w} x,  y = γ·(x − μ)/√(σ² + ε) + β,
 *              moving ← moving − (1 − momentum)·(moving − batch statistic)
 *   inference: y = γ·(x − moving μ)/√(moving σ² + ε) + β
 * The same maths and weights (gamma, beta, moving_mean, moving_variance) as the stock
 * BatchNormalization layer; why a separate layer: the gradient TF.js registers for its
 * FusedBatchNorm op tiles per-channel vectors to the full activation shape, which made it
 * the slowest part of a training step on the wasm backend (≈3× this version).
 *
 * It can also re-estimate the moving statistics as the plain average of the batch statistics
 * of a pass over clean data (`startStatisticsAveraging`), as SWA's `bn_update` does: the
 * exponential averages otherwise describe the last few augmented training batches.
 */
import * as tf from '@tensorflow/tfjs';

export interface CompositeBatchNormalizationArgs {
  name?: string;
  /** Weight of the old value in the moving averages (default 0.9). */
  momentum?: number;
  /** ε added to the variance (default 1e-3, as the stock layer). */
  epsilon?: number;
}

export class CompositeBatchNormalization extends tf.layers.Layer {
  static readonly className = 'CompositeBatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;
  private movingMean: tf.LayerVariable | null = null;
  private movingVariance: tf.LayerVariable | null = null;
  /** Samples averaged so far while re-estimating the statistics; null = exponential averaging. */
  private averagedSamples: number | null = null;

  constructor(args: CompositeBatchNormalizationArgs = {}) {
    super({ name: args.name });
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-3;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = [shape[shape.length - 1] as number];
    this.gamma = this.addWeight('gamma', channels, 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', channels, 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', channels, 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', channels, 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const gamma = (this.gamma as tf.LayerVariable).read();
      const beta = (this.beta as tf.LayerVariable).read();
      const movingMean = this.movingMean as tf.LayerVariable;
      const movingVariance = this.movingVariance as tf.LayerVariable;
      if (!kwargs.training) {
        const scale = tf.mul(gamma, tf.rsqrt(tf.add(movingVariance.read(), this.epsilon)));
        return tf.add(tf.mul(tf.sub(x, movingMean.read()), scale), beta);
      }
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      const batch = x.shape[0];
      // Exponential moving average, or a running average weighted by batch size while re-estimating.
      const decay = this.averagedSamples === null ? 1 - this.momentum : batch / (this.averagedSamples + batch);
      if (this.averagedSamples !== null) this.averagedSamples += batch;
      movingMean.write(tf.sub(movingMean.read(), tf.mul(tf.sub(movingMean.read(), mean), decay)));
      movingVariance.write(tf.sub(movingVariance.read(), tf.mul(tf.sub(movingVariance.read(), variance), decay)));
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon))), gamma), beta);
    });
  }

  /** Until `stopStatisticsAveraging`, training-mode calls set the moving statistics to the average of their batch statistics. */
  startStatisticsAveraging(): void {
    this.averagedSamples = 0;
  }

  stopStatisticsAveraging(): void {
    this.averagedSamples = null;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(CompositeBatchNormalization);
