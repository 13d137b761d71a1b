import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, resizeToRenderSize } from './image-io';
import { blendedStyleGrams, styleGrams } from './style-targets';
import { readSharedFile, vggBlock3ReadFile } from './testing/shared-data';
import { initTestBackend } from './testing/test-backend';
import { expectNoTensorLeak } from './testing/tensor-leaks';
import { createFeatureExtractor, FeatureExtractor, loadVggModel } from './vgg-loader';

let extractor: FeatureExtractor;
let starry: tf.Tensor3D;
let scream: tf.Tensor3D;

beforeAll(async () => {
  await initTestBackend();
  extractor = createFeatureExtractor(await loadVggModel(vggBlock3ReadFile));
  starry = await decodeImage(await readSharedFile('images', 'style', 'starry_night.jpg'));
  scream = await decodeImage(await readSharedFile('images', 'style', 'the_scream.jpg'));
});

async function maxRelativeDifference(a: tf.Tensor2D[], b: tf.Tensor2D[]): Promise<number> {
  let worst = 0;
  for (let l = 0; l < a.length; l++) {
    const d = tf.tidy(() => tf.div(tf.max(tf.abs(tf.sub(a[l], b[l]))), tf.max(tf.abs(b[l]))));
    worst = Math.max(worst, (await d.data())[0]);
    d.dispose();
  }
  return worst;
}

describe('styleGrams', () => {
  it('accumulated over cores with enough halo equals the whole-image Gram', async () => {
    const image = resizeToRenderSize(starry, 80); // 50×80: cores of 16 px, crops ≤ 48 px
    await expectNoTensorLeak(async () => {
      const whole = styleGrams(extractor, image);
      const tiled = styleGrams(extractor, image, 32 * 32, 16);
      expect(tiled.map((g) => g.shape)).toEqual(whole.map((g) => g.shape));
      expect(await maxRelativeDifference(tiled, whole)).toBeLessThan(1e-4);
      [...whole, ...tiled].forEach((g) => g.dispose());
    });
    image.dispose();
  });
});

describe('blendedStyleGrams', () => {
  it('is the weighted sum of each style’s Grams at the given long side', async () => {
    await expectNoTensorLeak(async () => {
      const blended = blendedStyleGrams(extractor, [starry, scream], [0.25, 0.75], 32);
      const [s1, s2] = [resizeToRenderSize(starry, 32), resizeToRenderSize(scream, 32)];
      expect(s2.shape).toEqual([32, 25, 3]); // the scream keeps its own (portrait) aspect ratio
      const [g1, g2] = [styleGrams(extractor, s1), styleGrams(extractor, s2)];
      const expected = g1.map((g, l) => tf.tidy(() => tf.add(tf.mul(g, 0.25), tf.mul(g2[l], 0.75)) as tf.Tensor2D));
      expect(await maxRelativeDifference(blended, expected)).toBeLessThan(1e-5);
      [s1, s2, ...g1, ...g2, ...expected, ...blended].forEach((t) => t.dispose());
    });
  });
});
