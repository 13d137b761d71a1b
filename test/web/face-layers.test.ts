/**
 * The browser copies of the custom layers (apps/web/examples/face-layers.js) rebuild Facestyle
 * checkpoints — the CNN's composite layers and the pretrained backbone's standardisation — and give
 * the same embeddings as the library's layers. Run in Node: the page registers them on the global
 * `tf` exactly as here.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildEmbeddingModel,
  DEFAULT_EMBEDDING_MODEL,
  EmbeddingModelSpec,
  FeatureStandardization,
  loadVggModel,
  vggBackboneWeights,
} from '@facestyle/core';
import { ModelSnapshot, snapshotModel } from '../../libs/core/src/ml/face/model-artifacts';
import { vggBlock3ReadFile } from '../../libs/core/src/ml/style/testing/shared-data';

const faces = () => tf.randomUniform([2, 16, 16, 1], -1, 1, 'float32', 12);
let browserLayers: string[];
const library: { name: string; artifacts: ModelSnapshot; embeddings: number[] }[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const spec: EmbeddingModelSpec = { ...DEFAULT_EMBEDDING_MODEL, inputSize: 16, width: 4, depth: 2, embeddingDim: 8 };
  const cnn = buildEmbeddingModel(spec);
  const vgg = await loadVggModel(vggBlock3ReadFile);
  const weights = vggBackboneWeights(vgg);
  vgg.dispose();
  const pretrained = buildEmbeddingModel({ ...spec, backbone: 'vgg19' }, { weights, normalization: 'symmetric-unit-range' });
  weights.forEach((pair) => tf.dispose(pair));
  // Statistics that change the output, so a layer that ignored them would be caught.
  const standardization = pretrained.getLayer('feature_standardization') as FeatureStandardization;
  standardization.setStatistics(new Float32Array(1024).fill(0.5), new Float32Array(1024).map((_, i) => 1 + (i % 7)), 0);
  for (const [name, model] of [['cnn', cnn], ['vgg19', pretrained]] as const) {
    const embeddings = tf.tidy(() => Array.from((model.predict(faces()) as tf.Tensor).dataSync()));
    library.push({ name, artifacts: await snapshotModel(model), embeddings });
    model.dispose();
  }
  // From here on the browser classes are the registered ones, as in the page.
  (globalThis as { tf?: unknown }).tf = tf;
  // A plain browser module without type declarations: imported through a variable, typed by hand.
  const browserModule = '../../apps/web/examples/face-layers.js';
  browserLayers = ((await import(browserModule)) as { FACE_LAYERS: string[] }).FACE_LAYERS;
});

describe('browser face layers', () => {
  it('register every custom layer class the library defines', () => {
    expect(browserLayers.sort()).toEqual(['CompositeBatchNormalization', 'CompositeGradientConv2D', 'FeatureStandardization', 'L2Normalization']);
  });

  it.each(['cnn', 'vgg19'])('rebuild the %s checkpoint with the same embeddings', async (name) => {
    const saved = library.find((m) => m.name === name)!;
    const model = await tf.loadLayersModel(tf.io.fromMemory(saved.artifacts));
    const embeddings = tf.tidy(() => Array.from((model.predict(faces()) as tf.Tensor).dataSync()));
    embeddings.forEach((v, i) => expect(v).toBeCloseTo(saved.embeddings[i], 5));
    model.dispose();
  });
});
