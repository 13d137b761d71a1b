import * as tf from '@tensorflow/tfjs';

/**
 * Gram matrix of a feature map, normalised by its spatial size (TensorFlow tutorial convention):
 *   F = features reshaped to (H·W) × C,   gram = Fᵀ F / (H·W),   gram[c][d] = mean over positions of f_c · f_d
 * Takes `[H, W, C]` or `[1, H, W, C]`; returns `[C, C]`.
 *
 * Gradient. F appears twice in FᵀF, so for an upstream gradient dG
 *   dF = (F·dGᵀ + F·dG) / (H·W) = F·(dG + dGᵀ) / (H·W)
 * Autodiff of matMul computes the two terms separately: two [H·W, C]×[C, C] products and an Add of
 * two [H·W, C] tensors (about 37 ms per style iteration over the three style layers, at 192×256 on
 * wasm). Summing dG + dGᵀ first, a [C, C] operation, leaves a single product: value and gradient
 * of the [48, 64, 256] layer took 58 → 40 ms (the [96, 128, 128] one 99 → 83 ms).
 */
export function gramMatrix(features: tf.Tensor3D | tf.Tensor4D): tf.Tensor2D {
  const shape = features.shape;
  if (shape.length === 4 && shape[0] !== 1) throw new Error(`gramMatrix takes one image, got a batch of ${shape[0]}`);
  return tf.tidy(() => gramWithOneProductGradient(features));
}

// customGrad hands its callback the inputs and the save function untyped (Tensor | GradSaveFunc).
const gramWithOneProductGradient = tf.customGrad((input, save) => {
  const features = input as tf.Tensor3D | tf.Tensor4D;
  const shape = features.shape;
  const [h, w, c] = shape.length === 4 ? [shape[1], shape[2], shape[3]] : [shape[0], shape[1], shape[2]];
  const positions = h * w;
  const f = tf.reshape(features, [positions, c]) as tf.Tensor2D;
  (save as tf.GradSaveFunc)([f]);
  return {
    value: tf.div(tf.matMul(f, f, true, false), positions) as tf.Tensor2D,
    gradFunc: (dGram: tf.Tensor2D, [savedF]: tf.Tensor[]) =>
      tf.tidy(() => {
        const symmetric = tf.div(tf.add(dGram, tf.transpose(dGram)), positions) as tf.Tensor2D;
        return tf.reshape(tf.matMul(savedF as tf.Tensor2D, symmetric), shape);
      }),
  };
});
