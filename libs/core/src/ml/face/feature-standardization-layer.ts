/**
 * Keras-style layer with fixed per-feature standardisation:
 *   y = (x − mean) · inverseStd
 * Both vectors are non-trainable weights set once from the training images' features (see
 * backbone-head-init.ts), so they travel with every checkpoint. Why not a batch-norm layer: in
 * training mode batch norm uses the batch's statistics and moves its moving averages, while a
 * pretrained backbone's features need one fixed normalisation for training and inference alike.
 * A registered class, so `tf.loadLayersModel` can rebuild it.
 */
import * as tf from '@tensorflow/tfjs';

export interface FeatureStandardizationArgs {
  name?: string;
}

export class FeatureStandardization extends tf.layers.Layer {
  static readonly className = 'FeatureStandardization';
  private mean?: tf.LayerVariable;
  private inverseStd?: tf.LayerVariable;

  constructor(args: FeatureStandardizationArgs = {}) {
    super({ name: args.name });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[shape.length - 1];
    if (features === null) throw new Error(`${this.name}: the feature dimension must be known`);
    this.mean = this.addWeight('mean', [features], 'float32', tf.initializers.zeros(), undefined, false);
    this.inverseStd = this.addWeight('inverse_std', [features], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.mul(tf.sub(x, (this.mean as tf.LayerVariable).read()), (this.inverseStd as tf.LayerVariable).read());
    });
  }

  /** Sets the statistics: `inverseStd = 1 / (std + floor)` (the floor keeps near-constant features from exploding). */
  setStatistics(mean: Float32Array, std: Float32Array, floor: number): void {
    const values = [tf.tensor1d(mean), tf.tensor1d(std.map((s) => 1 / (s + floor)))];
    this.setWeights(values);
    tf.dispose(values);
  }
}

tf.serialization.registerClass(FeatureStandardization);
