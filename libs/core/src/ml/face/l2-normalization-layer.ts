/**
 * Keras-style layer that scales each embedding to unit L2 norm:
 *   y = x / max(‖x‖₂, ε)
 * A registered class (not a Lambda) so `model.json` names it and `tf.loadLayersModel` can
 * rebuild it — any process that loads a Facestyle checkpoint imports this module first.
 */
import * as tf from '@tensorflow/tfjs';

export interface L2NormalizationArgs {
  name?: string;
  /** Floor on the norm, so an all-zero vector maps to zero instead of NaN. */
  epsilon?: number;
}

export class L2Normalization extends tf.layers.Layer {
  static readonly className = 'L2Normalization';
  readonly epsilon: number;

  constructor(args: L2NormalizationArgs = {}) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? 1e-10;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      // x · rsqrt(max(Σx², ε²)): the same as dividing by max(‖x‖, ε), with a finite gradient at 0.
      const squaredNorm = tf.sum(tf.square(x), -1, true);
      return tf.mul(x, tf.rsqrt(tf.maximum(squaredNorm, this.epsilon * this.epsilon)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(L2Normalization);
