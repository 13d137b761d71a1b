import sharp from 'sharp';
import { decodePgm } from './pgm-decoder';
import { detectImageFormat, ImageFormat } from './image-format';

export interface ImageLimits {
  /** Largest width × height accepted (decompression-bomb guard, checked before decoding). */
  maxPixels: number;
  /** Largest encoded size in bytes. */
  maxBytes: number;
  /** Largest number of frames in an animated GIF/WebP. */
  maxFrames: number;
  /** Formats the caller accepts. */
  formats: readonly ImageFormat[];
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxPixels: 40_000_000,
  maxBytes: 25 * 1024 * 1024,
  maxFrames: 1,
  formats: ['jpeg', 'png', 'webp', 'gif', 'pgm'],
};

export interface CheckedImage {
  format: ImageFormat;
  width: number;
  height: number;
  channels: number;
  /** Bytes to store: the original, except PGM, which is converted to PNG so every reader can decode it. */
  bytes: Buffer;
  /** File extension matching `bytes`. */
  extension: string;
}

export class ImageRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageRejectedError';
  }
}

/**
 * Accepts an upload only when it is a real raster image of an allowed format within the limits,
 * and decodes it completely (a truncated or corrupt file fails here, not later in a job).
 */
export async function checkImage(input: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<CheckedImage> {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length === 0) throw new ImageRejectedError('empty file');
  if (bytes.length > limits.maxBytes) throw new ImageRejectedError(`file is ${bytes.length} bytes, more than the ${limits.maxBytes}-byte limit`);
  const format = detectImageFormat(bytes);
  if (!format) throw new ImageRejectedError(`not a supported image (expected ${limits.formats.join(', ')} by content)`);
  if (!limits.formats.includes(format)) throw new ImageRejectedError(`${format} is not accepted here (expected ${limits.formats.join(', ')})`);
  if (format === 'pgm') {
    let gray;
    try {
      gray = decodePgm(bytes, limits.maxPixels);
    } catch (err) {
      throw new ImageRejectedError((err as Error).message);
    }
    const png = await sharp(gray.pixels, { raw: { width: gray.width, height: gray.height, channels: 1 } }).png().toBuffer();
    return { format, width: gray.width, height: gray.height, channels: 1, bytes: png, extension: 'png' };
  }
  let metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false, animated: true }).metadata();
  } catch (err) {
    throw new ImageRejectedError(`cannot read image header: ${(err as Error).message}`);
  }
  const width = metadata.width ?? 0;
  const height = metadata.pageHeight ?? metadata.height ?? 0;
  const frames = metadata.pages ?? 1;
  if (width < 1 || height < 1) throw new ImageRejectedError('image has no pixels');
  if (width * height > limits.maxPixels) throw new ImageRejectedError(`image is ${width}×${height}, more than the ${limits.maxPixels}-pixel limit`);
  if (frames > limits.maxFrames) throw new ImageRejectedError(`image has ${frames} frames; at most ${limits.maxFrames} accepted`);
  try {
    await sharp(bytes, { failOn: 'truncated', limitInputPixels: limits.maxPixels }).raw().toBuffer();
  } catch (err) {
    throw new ImageRejectedError(`image data is corrupt or truncated: ${(err as Error).message}`);
  }
  const extension = format === 'jpeg' ? 'jpg' : format;
  return { format, width, height, channels: metadata.channels ?? 3, bytes, extension };
}
