/**
 * The losses of a Gatys style-transfer render, each a pure function (DESIGN.md "ML conventions").
 * Every function returns a scalar and disposes its intermediates.
 */
import * as tf from '@tensorflow/tfjs';
import { gramMatrix } from './gram-matrix';

/** The three loss terms and their weighted sum. */
export interface LossTerms<T> {
  content: T;
  style: T;
  tv: T;
  total: T;
}

/** α, β, γ of J = α·J_content + β·J_style + γ·J_tv. */
export interface LossWeights {
  contentWeight: number;
  styleWeight: number;
  tvWeight: number;
}

/**
 * J_content = (1/L) Σ_l mean_{i,j,c} (F_l − P_l)²
 * F_l: features of the generated image at content layer l; P_l: the content image's. L content layers.
 */
export function contentLoss(generated: readonly tf.Tensor[], targets: readonly tf.Tensor[]): tf.Scalar {
  assertPairs('contentLoss', generated, targets);
  return tf.tidy(() => tf.div(tf.addN(generated.map((g, l) => tf.mean(tf.squaredDifference(g, targets[l])))), generated.length) as tf.Scalar);
}

/**
 * J_style = Σ_l w_l · mean_{c,d} (G_l − A_l)²  /  Σ_l w_l
 * G_l = gram(F_l) of the generated image's features at style layer l (see `gramMatrix`);
 * A_l the target Gram (the style image's, or a blend of several styles'). w_l defaults to 1.
 */
export function styleLoss(
  generatedFeatures: readonly (tf.Tensor3D | tf.Tensor4D)[],
  targetGrams: readonly tf.Tensor2D[],
  layerWeights: readonly number[] = generatedFeatures.map(() => 1),
): tf.Scalar {
  assertPairs('styleLoss', generatedFeatures, targetGrams);
  if (layerWeights.length !== generatedFeatures.length) {
    throw new Error(`styleLoss: ${layerWeights.length} layer weights for ${generatedFeatures.length} layers`);
  }
  const sum = layerWeights.reduce((a, b) => a + b, 0);
  return tf.tidy(() =>
    tf.addN(
      generatedFeatures.map((f, l) =>
        tf.mul(tf.mean(tf.squaredDifference(gramMatrix(f), targetGrams[l])), layerWeights[l] / sum),
      ),
    ) as tf.Scalar,
  );
}

/**
 * J_tv = Σ_{i,j,c} |x[i+1,j,c] − x[i,j,c]| + |x[i,j+1,c] − x[i,j,c]|
 * over the 0..255 image, as `tf.image.total_variation` (anisotropic, summed, not averaged).
 * Takes `[H, W, C]` or `[1, H, W, C]`.
 *
 * Computed on the flattened image u (length H·W·C) so that every large slice is contiguous (a
 * strided column slice, and its gradient, cost ~5× more on the wasm backend):
 *   vertical pairs:   u[W·C:] − u[:−W·C]
 *   horizontal pairs: u[C:] − u[:−C], which also pairs each row's last pixel with the next row's
 *   first; those H−1 wrap-around terms, x[i+1,0,:] − x[i,W−1,:], are subtracted again.
 */
export function totalVariationLoss(image: tf.Tensor3D | tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const x = (image.rank === 4 ? tf.squeeze(image, [0]) : image) as tf.Tensor3D;
    const [h, w, c] = x.shape;
    const u = tf.reshape(x, [h * w * c]);
    const size = h * w * c;
    const absSum = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.abs(tf.sub(a, b)));
    const vertical = absSum(tf.slice(u, [w * c], [size - w * c]), tf.slice(u, [0], [size - w * c]));
    const horizontal = absSum(tf.slice(u, [c], [size - c]), tf.slice(u, [0], [size - c]));
    const wrap = h > 1 ? absSum(tf.slice(x, [1, 0, 0], [h - 1, 1, c]), tf.slice(x, [0, w - 1, 0], [h - 1, 1, c])) : tf.scalar(0);
    return tf.sub(tf.add(vertical, horizontal), wrap) as tf.Scalar;
  });
}

/** J = α·J_content + β·J_style + γ·J_tv. */
export function weightedTotalLoss(terms: Omit<LossTerms<tf.Scalar>, 'total'>, weights: LossWeights): tf.Scalar {
  return tf.tidy(() =>
    tf.addN([
      tf.mul(terms.content, weights.contentWeight),
      tf.mul(terms.style, weights.styleWeight),
      tf.mul(terms.tv, weights.tvWeight),
    ]) as tf.Scalar,
  );
}

function assertPairs(name: string, a: readonly tf.Tensor[], b: readonly tf.Tensor[]): void {
  if (a.length === 0 || a.length !== b.length) {
    throw new Error(`${name}: needs one target per layer, got ${a.length} layers and ${b.length} targets`);
  }
}
