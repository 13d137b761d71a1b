import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { preserveContentColors, rgbToYuv, yuvToRgb } from './preserve-colors';
import { initTestBackend } from './testing/test-backend';
import { expectNoTensorLeak } from './testing/tensor-leaks';

beforeAll(async () => {
  await initTestBackend();
});

describe('YUV', () => {
  it('maps grey to zero chrominance and round-trips', async () => {
    const grey = tf.tensor2d([[100, 100, 100]]);
    const yuv = rgbToYuv(grey);
    const [y, u, v] = Array.from(await yuv.data());
    expect(y).toBeCloseTo(100, 3);
    expect(u).toBeCloseTo(0, 2); // the published U row sums to 1e-5, not 0
    expect(v).toBeCloseTo(0, 3);
    const back = yuvToRgb(yuv);
    Array.from(await back.data()).forEach((c) => expect(c).toBeCloseTo(100, 3));
    [grey, yuv, back].forEach((t) => t.dispose());
  });
});

describe('preserveContentColors', () => {
  it("keeps the result's luminance and the content's chrominance", async () => {
    const generated = tf.randomUniform([4, 5, 3], 60, 200, 'float32', 1) as tf.Tensor3D;
    const content = tf.randomUniform([4, 5, 3], 80, 180, 'float32', 2) as tf.Tensor3D;
    await expectNoTensorLeak(async () => {
      const out = preserveContentColors(generated, content);
      const [yo, yg, yc] = [rgbToYuv(out), rgbToYuv(generated), rgbToYuv(content)];
      const channel = (t: tf.Tensor, c: number) => Array.from(tf.tidy(() => t.slice([0, 0, c], [4, 5, 1]).dataSync()));
      const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 2));
      close(channel(yo, 0), channel(yg, 0));
      close(channel(yo, 1), channel(yc, 1));
      close(channel(yo, 2), channel(yc, 2));
      [out, yo, yg, yc].forEach((t) => t.dispose());
    });
    [generated, content].forEach((t) => t.dispose());
  });
});
