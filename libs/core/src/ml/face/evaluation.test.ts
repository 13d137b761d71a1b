import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { embedFaces, evaluateVerification, pairDistances } from './evaluation';
import { L2Normalization } from './l2-normalization-layer';
import { initFaceTestBackend } from './testing/test-backend';

beforeAll(async () => {
  await initFaceTestBackend();
});

/** A fixed "model": flatten a 2×2×1 image and L2-normalise it. */
function flattenModel(): tf.LayersModel {
  const input = tf.input({ shape: [2, 2, 1] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: new L2Normalization().apply(flat) as tf.SymbolicTensor });
}

describe('pairDistances', () => {
  it('splits all i < j pairs by identity (hand case)', () => {
    const { same, different } = pairDistances([[0, 0], [0, 1], [3, 4]], ['a', 'a', 'b'], 'euclidean');
    expect(same).toEqual([1]);
    expect(different).toEqual([5, Math.sqrt(9 + 9)]);
  });
});

describe('embedFaces / evaluateVerification', () => {
  it('embeds in batches, in order, without leaking tensors', async () => {
    const model = flattenModel();
    const before = tf.memory().numTensors;
    const images = [
      [1, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 0, 5],
    ].map((v) => Float32Array.from(v));
    const embeddings = await embedFaces(model, images, { batchSize: 2 });
    expect(embeddings.map((e) => Array.from(e))).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]);
    expect(tf.memory().numTensors).toBe(before);
    await expect(embedFaces(model, [new Float32Array(3)])).rejects.toThrow(/expects 2×2×1/);
    model.dispose();
  });

  it('averages an image with its mirror image when asked (hand case)', async () => {
    const model = flattenModel();
    // [1, 0; 0, 0] mirrored is [0, 1; 0, 0]: sum [1, 1, 0, 0] → normalised [1/√2, 1/√2, 0, 0].
    const [embedding] = await embedFaces(model, [Float32Array.from([1, 0, 0, 0])], { flipAverage: true });
    expect(embedding[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(embedding[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(embedding[2]).toBe(0);
    model.dispose();
  });

  it('scores perfectly separable identities with AUC 1 and EER 0', async () => {
    const model = flattenModel();
    // Identity a points along x, b along y (with small noise): same pairs ≈ 0 apart, different ≈ √2.
    const faces = [
      { identity: 'a', pixels: Float32Array.from([1, 0.01, 0, 0]) },
      { identity: 'a', pixels: Float32Array.from([1, 0, 0.02, 0]) },
      { identity: 'b', pixels: Float32Array.from([0, 1, 0, 0.01]) },
      { identity: 'b', pixels: Float32Array.from([0.02, 1, 0, 0]) },
    ];
    const metrics = await evaluateVerification(model, faces, { distance: 'euclidean' });
    expect(metrics).toMatchObject({ rocAuc: 1, eer: 0, accuracy: 1, samePairs: 2, differentPairs: 4 });
    expect(metrics.threshold).toBeGreaterThan(0.05);
    expect(metrics.threshold).toBeLessThan(1.3);
    model.dispose();
  });
});
