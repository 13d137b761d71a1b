import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

import { ImageDecodeError, normalizePixels, PreprocessingSpec, preprocessFaceImage } from './face-preprocessing';
import { readAttFace } from './testing/shared-data';

const grey64: PreprocessingSpec = { inputSize: 64, channels: 1, normalization: 'per-image-standardization' };

function meanAndStd(values: Float32Array): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std };
}

describe('normalizePixels', () => {
  it('standardises per image and maps to [-1, 1] (hand-computed)', () => {
    // mean 127.5, std 127.5 → (0 − 127.5)/127.5 = −1 and +1.
    expect(Array.from(normalizePixels(new Uint8Array([0, 255]), 'per-image-standardization'))).toEqual([-1, 1]);
    // A flat image has std 0: the floor 1/√N keeps it finite (all zeros).
    expect(Array.from(normalizePixels(new Uint8Array([9, 9, 9, 9]), 'per-image-standardization'))).toEqual([0, 0, 0, 0]);
    expect(Array.from(normalizePixels(new Uint8Array([0, 51, 255]), 'symmetric-unit-range'))).toEqual([-1, 51 / 127.5 - 1, 1].map(Math.fround));
  });
});

describe('preprocessFaceImage', () => {
  it('turns an AT&T PNG (92×112 grey) into a standardised 64×64×1 input', async () => {
    const pixels = await preprocessFaceImage(await readAttFace(1, 1), grey64);
    expect(pixels.length).toBe(64 * 64);
    const { mean, std } = meanAndStd(pixels);
    expect(mean).toBeCloseTo(0, 4);
    expect(std).toBeCloseTo(1, 3);
  });

  it('decodes binary PGM itself, giving the same result as the PNG of the same pixels', async () => {
    const png = await readAttFace(2, 3);
    const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
    const header = Buffer.from(`P5\n${info.width} ${info.height}\n255\n`, 'latin1');
    const pgm = new Uint8Array(Buffer.concat([header, data]));
    expect(Array.from(await preprocessFaceImage(pgm, grey64))).toEqual(Array.from(await preprocessFaceImage(png, grey64)));
  });

  it('reads JPEG, WebP and GIF and produces RGB when asked', async () => {
    const png = await readAttFace(3, 1);
    const rgb: PreprocessingSpec = { inputSize: 48, channels: 3, normalization: 'symmetric-unit-range' };
    for (const encoded of [
      await sharp(png).jpeg().toBuffer(),
      await sharp(png).webp().toBuffer(),
      await sharp(png).gif().toBuffer(),
    ]) {
      const pixels = await preprocessFaceImage(new Uint8Array(encoded), rgb);
      expect(pixels.length).toBe(48 * 48 * 3);
      expect(Math.min(...pixels)).toBeGreaterThanOrEqual(-1);
      expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
    }
  });

  it('centre-crops a non-square image after covering the square', async () => {
    // 4×2 image: left half black, right half white; covering 2×2 keeps the middle two columns.
    const raw = Buffer.from([0, 0, 255, 255, 0, 0, 255, 255]);
    const png = await sharp(raw, { raw: { width: 4, height: 2, channels: 1 } }).png().toBuffer();
    const spec: PreprocessingSpec = { inputSize: 2, channels: 1, normalization: 'symmetric-unit-range' };
    const pixels = Array.from(await preprocessFaceImage(new Uint8Array(png), spec));
    expect(pixels[0]).toBeCloseTo(-1, 1);
    expect(pixels[1]).toBeCloseTo(1, 1);
  });

  it('rejects bytes that are not an image', async () => {
    await expect(preprocessFaceImage(new Uint8Array([1, 2, 3, 4]), grey64)).rejects.toBeInstanceOf(ImageDecodeError);
  });
});
