/**
 * Image decoding, render-size resizing and PNG encoding for style renders (DESIGN.md "Resizing
 * for renders"). Decoding uses sharp's libjpeg-turbo/libpng/libwebp defaults: no EXIF rotation,
 * no colour management beyond conversion to sRGB, alpha dropped.
 */
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';

/** Default decode limit: 40 megapixels (a 2048 px render never needs more; a bigger upload is refused). */
export const DEFAULT_MAX_INPUT_PIXELS = 40_000_000;

/** The image cannot be used (not an image, unsupported format, too large). Bad input: not retried. */
export class ImageInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageInputError';
  }
}

export interface DecodeOptions {
  /** Refuse images with more pixels than this (checked from the header, before decoding). */
  maxPixels?: number;
  /** A name for error messages, e.g. `style[1]`. */
  label?: string;
}

const FORMATS = new Set(['jpeg', 'png', 'webp']);

/** Decodes JPEG/PNG/WebP bytes to a float32 RGB tensor `[H, W, 3]` with values 0..255. */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<tf.Tensor3D> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const label = options.label ?? 'image';
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw new ImageInputError(`${label} is not a readable image (${(err as Error).message})`);
  }
  if (!meta.format || !FORMATS.has(meta.format)) {
    throw new ImageInputError(`${label} is ${meta.format ?? 'of an unknown format'}; JPEG, PNG or WebP expected`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > maxPixels) {
    throw new ImageInputError(`${label} is ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels}`);
  }
  const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new ImageInputError(`${label} decoded to ${info.channels} channels, expected 3`);
  return tf.tensor3d(Float32Array.from(data), [info.height, info.width, 3]);
}

/**
 * Render size for an image of `[height, width]`: the long side becomes `size`, the short side
 * `floor(short · size / long)` (at least 1).
 */
export function renderSize([height, width]: readonly [number, number], size: number): [number, number] {
  const long = Math.max(height, width);
  const scaled = (side: number) => (side === long ? size : Math.max(1, Math.floor((side * size) / long)));
  return height >= width ? [size, scaled(width)] : [scaled(height), size];
}

/** Bilinear resize with half-pixel centres and no antialiasing, as `tf.image.resizeBilinear(x, [h, w], false, true)`. */
export function resizeImage<T extends tf.Tensor3D | tf.Tensor4D>(image: T, [height, width]: readonly [number, number]): T {
  return tf.tidy(() => tf.image.resizeBilinear(image, [height, width], false, true) as T);
}

/** Resizes an image so its long side is `size` (see `renderSize`). */
export function resizeToRenderSize(image: tf.Tensor3D, size: number): tf.Tensor3D {
  return resizeImage(image, renderSize([image.shape[0], image.shape[1]], size));
}

/** Encodes a 0..255 RGB tensor `[H, W, 3]` (or `[1, H, W, 3]`) as PNG; values are rounded and clipped. */
export async function encodePng(image: tf.Tensor3D | tf.Tensor4D): Promise<Uint8Array> {
  const [h, w] = image.rank === 4 ? [image.shape[1], image.shape[2]] : [image.shape[0], image.shape[1]];
  const bytes = tf.tidy(() => tf.cast(tf.clipByValue(tf.round(image), 0, 255), 'int32'));
  const pixels = Uint8Array.from(await bytes.data());
  bytes.dispose();
  const png = await sharp(pixels, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
