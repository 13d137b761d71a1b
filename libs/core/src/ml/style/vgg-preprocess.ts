import * as tf from '@tensorflow/tfjs';

/** ImageNet channel means in BGR order, as Keras' 'caffe' preprocessing subtracts them. */
export const VGG_BGR_MEAN: readonly [number, number, number] = [103.939, 116.779, 123.68];

/**
 * Keras 'caffe' preprocessing for VGG19: RGB in 0..255 → BGR, minus the ImageNet mean.
 *   out[..., c] = rgb[..., 2 − c] − mean_bgr[c]
 * Works on `[H, W, 3]` or `[N, H, W, 3]`; returns the same rank.
 */
export function vggPreprocess<T extends tf.Tensor3D | tf.Tensor4D>(rgb: T): T {
  return tf.tidy(() => tf.sub(tf.reverse(rgb, -1), tf.tensor1d([...VGG_BGR_MEAN])) as T);
}
