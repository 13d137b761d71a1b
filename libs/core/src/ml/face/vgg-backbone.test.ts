/**
 * The pretrained backbone: the folded input mapping against VGG on the reconstructed 0..255 image,
 * the frozen layers, checkpoints that reload with identical embeddings, and a missing VGG layer.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { vggBlock3ReadFile } from '../style/testing/shared-data';
import { loadVggModel } from '../style/vgg-loader';
import { buildEmbeddingModel, DEFAULT_EMBEDDING_MODEL, EmbeddingModelSpec } from './embedding-model';
import { restoreModel, snapshotModel } from './model-artifacts';
import { initFaceTestBackend } from './testing/test-backend';
import { foldInputMapping, VGG_BACKBONE_FEATURES, vggBackboneWeights, VggBackboneWeights } from './vgg-backbone';

const BGR_MEAN = [103.939, 116.779, 123.68];
let weights: VggBackboneWeights;

beforeAll(async () => {
  await initFaceTestBackend();
  const vgg = await loadVggModel(vggBlock3ReadFile);
  weights = vggBackboneWeights(vgg);
  vgg.dispose();
});

afterAll(() => weights.forEach((pair) => tf.dispose(pair)));

const spec = (inputSize: number, channels: 1 | 3): EmbeddingModelSpec => ({
  ...DEFAULT_EMBEDDING_MODEL,
  backbone: 'vgg19',
  inputSize,
  channels,
  embeddingDim: 16,
  seed: 4,
});

/** max |a − b| over the pixels at least one away from the border, relative to max |b|. */
function interiorError(a: tf.Tensor4D, b: tf.Tensor4D): number {
  return tf.tidy(() => {
    const [, h, w, c] = a.shape;
    const crop = (t: tf.Tensor4D) => tf.slice(t, [0, 1, 1, 0], [1, h - 2, w - 2, c]);
    return tf.max(tf.abs(tf.sub(crop(a), crop(b)))).dataSync()[0] / tf.max(tf.abs(crop(b))).dataSync()[0];
  });
}

describe('foldInputMapping', () => {
  const [kernel, bias] = [0, 1].map((i) => () => (weights.get('block1_conv1') as [tf.Tensor4D, tf.Tensor1D])[i]);
  const vggConv1 = (bgrMinusMean: tf.Tensor4D) =>
    tf.add(tf.conv2d(bgrMinusMean, kernel() as tf.Tensor4D, 1, 'same'), bias() as tf.Tensor1D) as tf.Tensor4D;

  it('on [-1, 1] greyscale equals VGG on the 0..255 image repeated in B, G and R', () => {
    const p = tf.randomUniform([1, 12, 10, 1], -1, 1, 'float32', 7) as tf.Tensor4D;
    const [k, b] = foldInputMapping(kernel() as tf.Tensor4D, bias() as tf.Tensor1D, 1, 'symmetric-unit-range');
    const folded = tf.add(tf.conv2d(p, k, 1, 'same'), b) as tf.Tensor4D;
    const grey = tf.add(tf.mul(p, 127.5), 127.5);
    const reference = vggConv1(tf.sub(tf.concat([grey, grey, grey], 3), BGR_MEAN) as tf.Tensor4D);
    expect(k.shape).toEqual([3, 3, 1, 64]);
    expect(interiorError(folded, reference)).toBeLessThan(1e-5);
    tf.dispose([p, k, b, folded, grey, reference]);
  });

  it('on [-1, 1] RGB equals VGG on the BGR image', () => {
    const p = tf.randomUniform([1, 9, 11, 3], -1, 1, 'float32', 8) as tf.Tensor4D;
    const [k, b] = foldInputMapping(kernel() as tf.Tensor4D, bias() as tf.Tensor1D, 3, 'symmetric-unit-range');
    const folded = tf.add(tf.conv2d(p, k, 1, 'same'), b) as tf.Tensor4D;
    const bgr = tf.reverse(tf.add(tf.mul(p, 127.5), 127.5), 3);
    const reference = vggConv1(tf.sub(bgr, BGR_MEAN) as tf.Tensor4D);
    expect(interiorError(folded, reference)).toBeLessThan(1e-5);
    tf.dispose([p, k, b, folded, bgr, reference]);
  });

  it('on standardised pixels equals VGG on σ·p + μ with σ = 64, μ = 117', () => {
    const p = tf.randomNormal([1, 8, 8, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const [k, b] = foldInputMapping(kernel() as tf.Tensor4D, bias() as tf.Tensor1D, 1, 'per-image-standardization');
    const folded = tf.add(tf.conv2d(p, k, 1, 'same'), b) as tf.Tensor4D;
    const grey = tf.add(tf.mul(p, 64), 117);
    const reference = vggConv1(tf.sub(tf.concat([grey, grey, grey], 3), BGR_MEAN) as tf.Tensor4D);
    expect(interiorError(folded, reference)).toBeLessThan(1e-5);
    tf.dispose([p, k, b, folded, grey, reference]);
  });
});

describe('buildEmbeddingModel with the vgg19 backbone', () => {
  it('trains only the projection, and a checkpoint reloads with identical embeddings', async () => {
    const model = buildEmbeddingModel(spec(16, 1), { weights, normalization: 'symmetric-unit-range' });
    expect(model.trainableWeights.map((w) => w.originalName)).toEqual(['projection/kernel', 'projection/bias']);
    expect((model.getLayer('projection').getWeights()[0] as tf.Tensor).shape).toEqual([VGG_BACKBONE_FEATURES, 16]);
    const faces = tf.randomUniform([3, 16, 16, 1], -1, 1, 'float32', 10);
    const before = model.predict(faces) as tf.Tensor2D;
    const restored = await restoreModel(await snapshotModel(model));
    const after = restored.predict(faces) as tf.Tensor2D;
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
    for (const n of tf.norm(after, 'euclidean', 1).dataSync()) expect(n).toBeCloseTo(1, 5);
    tf.dispose([faces, before, after]);
    model.dispose();
    restored.dispose();
  });

  it('needs the VGG weights and an input side that is a multiple of 8', () => {
    expect(() => buildEmbeddingModel(spec(16, 1))).toThrow(/needs the VGG19 weights/);
    expect(() => buildEmbeddingModel(spec(20, 1), { weights, normalization: 'symmetric-unit-range' })).toThrow(/multiple of 8/);
  });

  it('names the missing layer of a VGG truncated before block3_conv4', () => {
    const input = tf.input({ shape: [null, null, 3] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'block1_conv1' });
    const short = tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor });
    expect(() => vggBackboneWeights(short)).toThrow(/no layer block1_conv2/);
    short.dispose();
  });
});
