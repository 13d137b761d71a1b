/**
 * Luminance-only style transfer, as neural-style's `-original_colors 1`: the result keeps its own
 * luminance Y and takes the content image's chrominance U, V (YUV, BT.601 coefficients as torch
 * image.rgb2yuv), then is converted back to RGB.
 */
import * as tf from '@tensorflow/tfjs';

/** RGB → YUV, one row per output channel (Y, U, V). */
export const RGB_TO_YUV: readonly (readonly [number, number, number])[] = [
  [0.299, 0.587, 0.114],
  [-0.14713, -0.28886, 0.436],
  [0.615, -0.51499, -0.10001],
];

/** `[..., 3]` RGB → `[..., 3]` YUV (values keep the RGB scale: Y in 0..255). */
export function rgbToYuv<T extends tf.Tensor>(rgb: T): T {
  return applyMatrix(rgb, RGB_TO_YUV);
}

/** Inverse of `rgbToYuv` (the exact matrix inverse, so a round trip is the identity). */
export function yuvToRgb<T extends tf.Tensor>(yuv: T): T {
  return applyMatrix(yuv, invert3(RGB_TO_YUV));
}

/**
 * out = yuv⁻¹(Y(generated), U(content), V(content)), clipped to 0..255.
 * Both images are 0..255 RGB of the same size, `[H, W, 3]` or `[1, H, W, 3]`.
 */
export function preserveContentColors<T extends tf.Tensor3D | tf.Tensor4D>(generated: T, content: T): T {
  if (generated.shape.join() !== content.shape.join()) {
    throw new Error(`preserveContentColors: generated ${generated.shape} and content ${content.shape} differ in size`);
  }
  return tf.tidy(() => {
    const axis = generated.rank - 1;
    const [y] = tf.split(rgbToYuv(generated), [1, 2], axis);
    const [, uv] = tf.split(rgbToYuv(content), [1, 2], axis);
    return tf.clipByValue(yuvToRgb(tf.concat([y, uv], axis)), 0, 255) as T;
  });
}

function applyMatrix<T extends tf.Tensor>(x: T, matrix: readonly (readonly number[])[]): T {
  return tf.tidy(() => {
    const flat = tf.reshape(x, [-1, 3]);
    const mT = tf.tensor2d(matrix.map((row) => [...row])).transpose();
    return tf.reshape(tf.matMul(flat, mT), x.shape) as T;
  });
}

function invert3(m: readonly (readonly number[])[]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}
