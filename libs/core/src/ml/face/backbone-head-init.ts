/**
 * Before a pretrained-backbone run's first step: measure the backbone's features on the training
 * images (each also mirrored, as faces are), set the standardisation layer to their per-feature
 * mean and spread, and start the projection at their leading principal directions.
 * Why: the frozen features' scales differ by orders of magnitude between channels; standardised,
 * their nearest neighbours already match identities well, and a principal-component projection
 * keeps that (measured on AT&T's held-out people: AUC 0.97–0.98 before any step), so the triplet
 * loss refines a working embedding. From a random projection it first has to find one, and with
 * 30 training people it overfits on the way.
 */
import * as tf from '@tensorflow/tfjs';
import { FeatureStandardization } from './feature-standardization-layer';
import { principalComponents } from './principal-components';

/** Added to each feature's spread, relative to the mean spread, so near-constant features stay bounded. */
const RELATIVE_STD_FLOOR = 1e-2;

/** Sets the model's `feature_standardization` and `projection` weights from `images` (preprocessed, `[S, S, C]` each). */
export async function initialiseBackboneHead(
  model: tf.LayersModel,
  images: readonly Float32Array[],
  seed: number,
  batchSize = 32,
): Promise<void> {
  const standardization = model.getLayer('feature_standardization') as FeatureStandardization;
  const projection = model.getLayer('projection');
  const features = await backboneFeatures(model, images, batchSize);
  try {
    const { mean, std } = tf.tidy(() => {
      const moments = tf.moments(features, 0);
      return { mean: moments.mean.dataSync() as Float32Array, std: tf.sqrt(moments.variance).dataSync() as Float32Array };
    });
    const meanStd = std.reduce((a, b) => a + b, 0) / std.length;
    standardization.setStatistics(mean, std, RELATIVE_STD_FLOOR * meanStd);
    const standardised = standardization.apply(features) as tf.Tensor2D;
    const dimension = features.shape[1];
    // embeddingDim ≤ the feature count (validated with the options), so every unit gets a direction.
    const units = (projection.getWeights()[0] as tf.Tensor2D).shape[1];
    const pca = principalComponents(standardised, units, seed);
    standardised.dispose();
    const weights = [tf.tensor2d(pca.directions, [dimension, units]), tf.zeros([units])];
    projection.setWeights(weights);
    tf.dispose(weights);
  } finally {
    features.dispose();
  }
}

/** The flattened backbone features (`vgg_features`) of every image and its mirror image. */
async function backboneFeatures(model: tf.LayersModel, images: readonly Float32Array[], batchSize: number): Promise<tf.Tensor2D> {
  const [, height, width, channels] = model.inputs[0].shape as number[];
  const extractor = tf.model({ inputs: model.inputs, outputs: model.getLayer('vgg_features').output as tf.SymbolicTensor });
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const chunk = images.slice(start, start + batchSize);
    const pixels = new Float32Array(chunk.length * height * width * channels);
    chunk.forEach((image, i) => pixels.set(image, i * image.length));
    parts.push(
      tf.tidy(() => {
        const x = tf.tensor4d(pixels, [chunk.length, height, width, channels]);
        return extractor.predict(tf.concat([x, tf.reverse(x, 2)])) as tf.Tensor2D;
      }),
    );
    // Long forward passes: let lock renewals and cancellation run in between.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const all = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return all;
}
