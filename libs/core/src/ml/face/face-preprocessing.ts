/**
 * Turns encoded image bytes into the model's input: decode (sharp for JPEG/PNG/WebP/GIF/…,
 * our own parser for binary PGM), auto-orient, resize so the image covers an
 * inputSize×inputSize square and crop the centre, convert to grey or RGB, normalise.
 * The same `PreprocessingSpec` must be used at training and inference time, so it is
 * recorded with every run and checkpoint.
 */
import sharp from 'sharp';

import { decodeBinaryPgm, isBinaryPgm } from './pgm-decoder';

export type PixelNormalization =
  /** (x − mean) / max(std, 1/√N) per image, as `tf.image.per_image_standardization`: removes global lighting. */
  | 'per-image-standardization'
  /** x / 127.5 − 1, i.e. [-1, 1]. */
  | 'symmetric-unit-range';

export interface PreprocessingSpec {
  /** Square side in pixels. */
  inputSize: number;
  /** 1 = greyscale, 3 = RGB. */
  channels: 1 | 3;
  normalization: PixelNormalization;
}

export const DEFAULT_PREPROCESSING: PreprocessingSpec = {
  inputSize: 64,
  channels: 1,
  normalization: 'per-image-standardization',
};

/** An unreadable or unsupported image; callers report it (e.g. in `rejected`) and do not retry. */
export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

/**
 * Decodes and preprocesses one image into a row-major HWC Float32Array of
 * inputSize·inputSize·channels values.
 */
export async function preprocessFaceImage(bytes: Uint8Array, spec: PreprocessingSpec): Promise<Float32Array> {
  const { inputSize, channels } = spec;
  let pipeline: sharp.Sharp;
  try {
    if (isBinaryPgm(bytes)) {
      const grey = decodeBinaryPgm(bytes);
      pipeline = sharp(Buffer.from(grey.data.buffer, grey.data.byteOffset, grey.data.byteLength), {
        raw: { width: grey.width, height: grey.height, channels: 1 },
      });
    } else {
      // `rotate()` without arguments applies the EXIF orientation; `pages: 1` takes the first GIF frame.
      pipeline = sharp(bytes, { pages: 1, failOn: 'error' }).rotate();
    }
    pipeline = pipeline
      .flatten({ background: '#000000' })
      .resize(inputSize, inputSize, { fit: 'cover', position: 'centre', kernel: 'lanczos3' });
    pipeline = channels === 1 ? pipeline.greyscale() : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || info.width !== inputSize || info.height !== inputSize) {
      throw new Error(`unexpected decoded shape ${info.width}×${info.height}×${info.channels}`);
    }
    return normalizePixels(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), spec.normalization);
  } catch (err) {
    if (err instanceof ImageDecodeError) throw err;
    throw new ImageDecodeError(`cannot decode image: ${(err as Error).message}`);
  }
}

/** Applies the normalisation to 0..255 samples. */
export function normalizePixels(samples: Uint8Array, normalization: PixelNormalization): Float32Array {
  const out = new Float32Array(samples.length);
  if (normalization === 'symmetric-unit-range') {
    for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 127.5 - 1;
    return out;
  }
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i];
  const mean = sum / samples.length;
  let sq = 0;
  for (let i = 0; i < samples.length; i++) sq += (samples[i] - mean) ** 2;
  const std = Math.max(Math.sqrt(sq / samples.length), 1 / Math.sqrt(samples.length));
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i] - mean) / std;
  return out;
}
