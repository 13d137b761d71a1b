import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gramMatrix } from './gram-matrix';
import { contentLoss, styleLoss, totalVariationLoss, weightedTotalLoss } from './style-losses';
import { initTestBackend } from './testing/test-backend';
import { expectNoTensorLeak } from './testing/tensor-leaks';
import { VGG_BGR_MEAN, vggPreprocess } from './vgg-preprocess';

beforeAll(async () => {
  await initTestBackend();
});

const value = async (t: tf.Tensor) => {
  const v = (await t.data())[0];
  t.dispose();
  return v;
};

describe('gramMatrix', () => {
  it('is FᵀF / (H·W)', async () => {
    // 1×2 map, 2 channels: positions (1, 2) and (3, 4).
    // FᵀF = [[1·1+3·3, 1·2+3·4], [2·1+4·3, 2·2+4·4]] = [[10, 14], [14, 20]]; / 2 positions.
    const f = tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]);
    await expectNoTensorLeak(async () => {
      const g = gramMatrix(f);
      expect(g.shape).toEqual([2, 2]);
      expect(Array.from(await g.data())).toEqual([5, 7, 7, 10]);
      g.dispose();
    });
    f.dispose();
  });
});

describe('vggPreprocess', () => {
  it('swaps RGB to BGR and subtracts the caffe mean', async () => {
    const rgb = tf.tensor3d([10, 20, 30], [1, 1, 3]);
    await expectNoTensorLeak(async () => {
      const out = vggPreprocess(rgb);
      const [b, g, r] = Array.from(await out.data());
      expect(b).toBeCloseTo(30 - VGG_BGR_MEAN[0], 4);
      expect(g).toBeCloseTo(20 - VGG_BGR_MEAN[1], 4);
      expect(r).toBeCloseTo(10 - VGG_BGR_MEAN[2], 4);
      out.dispose();
    });
    rgb.dispose();
  });
});

describe('contentLoss', () => {
  it('is the mean squared feature difference, averaged over layers', async () => {
    const a = [tf.tensor1d([1, 2, 3, 4]), tf.tensor1d([0, 0])];
    const b = [tf.tensor1d([1, 0, 3, 0]), tf.tensor1d([1, 1])];
    // layer 1: (0 + 4 + 0 + 16)/4 = 5; layer 2: (1 + 1)/2 = 1; mean = 3
    await expectNoTensorLeak(async () => expect(await value(contentLoss(a, b))).toBeCloseTo(3, 5));
    [...a, ...b].forEach((t) => t.dispose());
  });

  it('refuses mismatched layer lists', () => {
    const a = tf.scalar(1);
    expect(() => contentLoss([a], [])).toThrow(/one target per layer/);
    a.dispose();
  });
});

describe('styleLoss', () => {
  it('is the weighted mean over layers of the mean squared Gram difference', async () => {
    // Layer 1: F = [[1,2],[3,4]] (2 positions) → gram [[5,7],[7,10]]; target 0 → mean of squares = (25+49+49+100)/4 = 55.75
    // Layer 2: F = [2] at one position, 1 channel → gram [[4]]; target [[1]] → (4−1)² = 9
    const f1 = tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]);
    const f2 = tf.tensor4d([2], [1, 1, 1, 1]);
    const t1 = tf.zeros([2, 2]) as tf.Tensor2D;
    const t2 = tf.tensor2d([[1]]);
    await expectNoTensorLeak(async () => {
      expect(await value(styleLoss([f1, f2], [t1, t2]))).toBeCloseTo((55.75 + 9) / 2, 4);
      // weights 3:1 → (3·55.75 + 9)/4
      expect(await value(styleLoss([f1, f2], [t1, t2], [3, 1]))).toBeCloseTo((3 * 55.75 + 9) / 4, 4);
    });
    [f1, f2, t1, t2].forEach((t) => t.dispose());
  });
});

describe('totalVariationLoss', () => {
  it('sums absolute differences of vertical and horizontal neighbours over all channels', async () => {
    // 2×2, one channel: [[0, 1], [3, 7]] → vertical |3−0| + |7−1| = 9, horizontal |1−0| + |7−3| = 5 → 14
    // second channel constant → 0.
    const img = tf.tensor3d([0, 5, 1, 5, 3, 5, 7, 5], [2, 2, 2]);
    await expectNoTensorLeak(async () => {
      expect(await value(totalVariationLoss(img))).toBeCloseTo(14, 5);
      const batched = img.expandDims(0) as tf.Tensor4D;
      expect(await value(totalVariationLoss(batched))).toBeCloseTo(14, 5);
      batched.dispose();
    });
    img.dispose();
  });

  it('equals the neighbour-pair definition, with its gradient, on a non-square image with wrap-around edges', async () => {
    const [h, w, c] = [5, 7, 3];
    const values = Float32Array.from({ length: h * w * c }, (_, i) => ((i * 37) % 23) - 11);
    const at = (i: number, j: number, k: number) => values[(i * w + j) * c + k];
    let expected = 0;
    const expectedGrad = new Float32Array(values.length);
    const pair = (i1: number, j1: number, i0: number, j0: number, k: number) => {
      const d = at(i1, j1, k) - at(i0, j0, k);
      expected += Math.abs(d);
      expectedGrad[(i1 * w + j1) * c + k] += Math.sign(d);
      expectedGrad[(i0 * w + j0) * c + k] -= Math.sign(d);
    };
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let k = 0; k < c; k++) {
          if (i + 1 < h) pair(i + 1, j, i, j, k);
          if (j + 1 < w) pair(i, j + 1, i, j, k);
        }
    const img = tf.tensor3d(values, [h, w, c]);
    await expectNoTensorLeak(async () => {
      const { value: loss, grad } = tf.valueAndGrad((x: tf.Tensor3D) => totalVariationLoss(x))(img);
      expect(await value(loss)).toBeCloseTo(expected, 3);
      expect(Array.from(await grad.data())).toEqual(Array.from(expectedGrad));
      tf.dispose([loss, grad]);
    });
    img.dispose();
  });
});

describe('weightedTotalLoss', () => {
  it('is α·content + β·style + γ·tv', async () => {
    const terms = { content: tf.scalar(2), style: tf.scalar(3), tv: tf.scalar(5) };
    await expectNoTensorLeak(async () =>
      expect(await value(weightedTotalLoss(terms, { contentWeight: 10, styleWeight: 100, tvWeight: 0.5 }))).toBeCloseTo(322.5, 4),
    );
    Object.values(terms).forEach((t) => t.dispose());
  });
});
