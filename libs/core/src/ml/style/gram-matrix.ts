import * as tf from '@tensorflow/tfjs';

/**
 * Gram matrix of a feature map, normalised by its spatial size (TensorFlow tutorial convention):
 *   F = features reshaped to (H·W) × C,   gram = Fᵀ F / (H·W),   gram[c][d] = mean over positions of f_c · f_d
 * Takes `[H, W, C]` or `[1, H, W, C]`; returns `[C, C]`.
 */
export function gramMatrix(features: tf.Tensor3D | tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const shape = features.shape;
    const [h, w, c] = shape.length === 4 ? [shape[1], shape[2], shape[3]] : [shape[0], shape[1], shape[2]];
    if (shape.length === 4 && shape[0] !== 1) throw new Error(`gramMatrix takes one image, got a batch of ${shape[0]}`);
    const f = tf.reshape(features, [h * w, c]) as tf.Tensor2D;
    return tf.div(tf.matMul(f, f, true, false), h * w) as tf.Tensor2D;
  });
}
