import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, encodePng, ImageInputError, renderSize, resizeImage, resizeToRenderSize } from './image-io';
import { readSharedFile } from './testing/shared-data';
import { initTestBackend } from './testing/test-backend';
import { expectNoTensorLeak } from './testing/tensor-leaks';

beforeAll(async () => {
  await initTestBackend();
});

describe('decodeImage', () => {
  it('decodes a JPEG to float RGB 0..255', async () => {
    const img = await decodeImage(await readSharedFile('images', 'content', 'tubingen.jpg'));
    expect(img.shape).toEqual([768, 1024, 3]);
    expect(img.dtype).toBe('float32');
    const [min, max] = [img.min().arraySync() as number, img.max().arraySync() as number];
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(255);
    expect(max).toBeGreaterThan(200);
    img.dispose();
  });

  it('decodes PNG and WebP, dropping alpha and expanding grey to RGB', async () => {
    const rgba = Buffer.from([255, 0, 0, 128, 0, 255, 0, 255]);
    const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toBuffer();
    const fromPng = await decodeImage(png);
    expect(Array.from(await fromPng.data())).toEqual([255, 0, 0, 0, 255, 0]);
    const grey = await sharp(Buffer.from([7, 9]), { raw: { width: 1, height: 2, channels: 1 } }).png().toBuffer();
    const fromGrey = await decodeImage(grey);
    expect(fromGrey.shape).toEqual([2, 1, 3]);
    expect(Array.from(await fromGrey.data())).toEqual([7, 7, 7, 9, 9, 9]);
    const webp = await sharp(Buffer.alloc(4 * 4 * 3, 100), { raw: { width: 4, height: 4, channels: 3 } }).webp({ lossless: true }).toBuffer();
    const fromWebp = await decodeImage(webp);
    expect(fromWebp.shape).toEqual([4, 4, 3]);
    [fromPng, fromGrey, fromWebp].forEach((t) => t.dispose());
  });

  it('refuses images over the pixel limit and bytes that are not images', async () => {
    const bytes = await readSharedFile('images', 'content', 'tubingen.jpg');
    await expect(decodeImage(bytes, { maxPixels: 500_000, label: 'content' })).rejects.toThrow(
      /content is 1024×768 = 786432 pixels, over the limit of 500000/,
    );
    await expect(decodeImage(new TextEncoder().encode('hello'), { label: 'style[0]' })).rejects.toThrow(ImageInputError);
    const gif = await sharp(Buffer.alloc(12, 1), { raw: { width: 2, height: 2, channels: 3 } }).gif().toBuffer();
    await expect(decodeImage(gif)).rejects.toThrow(/is gif; JPEG, PNG or WebP expected/);
  });
});

describe('renderSize', () => {
  it('makes the long side `size` and floors the short side', () => {
    expect(renderSize([768, 1024], 512)).toEqual([384, 512]);
    expect(renderSize([734, 979], 512)).toEqual([383, 512]); // 734·512/979 = 383.87
    expect(renderSize([1528, 1200], 256)).toEqual([256, 201]); // 1200·256/1528 = 201.05
    expect(renderSize([100, 100], 64)).toEqual([64, 64]);
    expect(renderSize([1, 1000], 16)).toEqual([1, 16]);
  });
});

describe('resizeImage', () => {
  it('is bilinear with half-pixel centres and no antialiasing', async () => {
    // 1×4 row [0, 10, 20, 30] → width 2: half-pixel centres sample x = (i + 0.5)·2 − 0.5 = 0.5, 2.5 → 5, 25
    const row = tf.tensor3d([0, 10, 20, 30], [1, 4, 1]);
    await expectNoTensorLeak(async () => {
      const out = resizeImage(row, [1, 2]);
      expect(Array.from(await out.data())).toEqual([5, 25]);
      out.dispose();
    });
    const img = tf.zeros([768, 1024, 3]) as tf.Tensor3D;
    const resized = resizeToRenderSize(img, 64);
    expect(resized.shape).toEqual([48, 64, 3]);
    [row, img, resized].forEach((t) => t.dispose());
  });
});

describe('encodePng', () => {
  it('round-trips pixels (rounded, clipped)', async () => {
    const img = tf.tensor3d([0.4, 127.6, 300, -5, 64, 255], [1, 2, 3]);
    const png = await expectNoTensorLeak(() => encodePng(img));
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    const back = await decodeImage(png);
    expect(Array.from(await back.data())).toEqual([0, 128, 255, 0, 64, 255]);
    [img, back].forEach((t) => t.dispose());
  });
});
