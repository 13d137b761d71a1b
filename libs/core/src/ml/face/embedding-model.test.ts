import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildEmbeddingModel, EmbeddingModelSpec } from './embedding-model';
import { L2Normalization } from './l2-normalization-layer';
import { restoreModel, snapshotModel } from './model-artifacts';
import { initFaceTestBackend } from './testing/test-backend';

const tiny: EmbeddingModelSpec = {
  backbone: 'none',
  inputSize: 16,
  channels: 1,
  width: 4,
  depth: 2,
  convsPerBlock: 1,
  embeddingDim: 8,
  batchNorm: true,
  head: 'flatten',
  implementation: 'composite',
  seed: 3,
};

beforeAll(async () => {
  await initFaceTestBackend();
});

describe('L2Normalization', () => {
  it('scales rows to unit norm (hand case) and maps zero to zero', () => {
    const layer = new L2Normalization();
    const out = layer.apply(tf.tensor2d([[3, 4], [0, 0]])) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual([0.6, 0.8, 0, 0].map(Math.fround));
    expect(layer.getConfig().epsilon).toBe(1e-10);
    tf.dispose(out);
  });
});

describe('buildEmbeddingModel', () => {
  it('maps images to unit-length embeddings without leaking tensors', () => {
    const model = buildEmbeddingModel(tiny);
    const before = tf.memory().numTensors;
    const norms = tf.tidy(() => {
      const embeddings = model.predict(tf.randomNormal([5, 16, 16, 1], 0, 1, 'float32', 1)) as tf.Tensor2D;
      expect(embeddings.shape).toEqual([5, 8]);
      return tf.norm(embeddings, 'euclidean', 1);
    });
    for (const n of norms.dataSync()) expect(n).toBeCloseTo(1, 5);
    norms.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('is deterministic for a seed', () => {
    const a = buildEmbeddingModel(tiny);
    const b = buildEmbeddingModel(tiny);
    const wa = a.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = b.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wa).toEqual(wb);
    a.dispose();
    b.dispose();
  });

  it('builds the same network from stock Conv2D and BatchNormalization layers (same weights and outputs)', () => {
    const composite = buildEmbeddingModel(tiny);
    const stock = buildEmbeddingModel({ ...tiny, implementation: 'stock' });
    expect(stock.getWeights().map((w) => w.shape)).toEqual(composite.getWeights().map((w) => w.shape));
    stock.setWeights(composite.getWeights());
    const x = tf.randomNormal([3, 16, 16, 1], 0, 1, 'float32', 2);
    const a = composite.predict(x) as tf.Tensor;
    const b = stock.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-6);
    composite.dispose();
    stock.dispose();
    tf.dispose([x, a, b]);
  });

  it('round-trips through tf.io (the custom layer is registered)', async () => {
    const model = buildEmbeddingModel(tiny);
    const snapshot = await snapshotModel(model);
    const json = JSON.stringify(snapshot.modelTopology);
    expect(json).toContain('"class_name":"L2Normalization"');
    expect(json).toContain('"class_name":"CompositeGradientConv2D"');
    expect(json).toContain('"class_name":"CompositeBatchNormalization"');
    const loaded = await restoreModel(snapshot);
    const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 4);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('can average the last feature map instead of flattening it', () => {
    const model = buildEmbeddingModel({ ...tiny, head: 'global-average' });
    // Projection kernel: (width·2^(depth−1) = 8 channels) × 8 instead of (4·4·8) × 8.
    expect(model.getLayer('projection').getWeights()[0].shape).toEqual([8, 8]);
    model.dispose();
  });

  it('refuses a depth that does not fit the input', () => {
    expect(() => buildEmbeddingModel({ ...tiny, inputSize: 8, depth: 4 })).toThrow(/too small for depth 4/);
    expect(() => buildEmbeddingModel({ ...tiny, width: 0 })).toThrow(/width must be a positive integer/);
  });
});
