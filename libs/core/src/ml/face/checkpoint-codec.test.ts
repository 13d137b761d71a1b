import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  checkpointFilesIOHandler,
  decodeCheckpoint,
  encodeCheckpoint,
  EmbeddingModelMetadata,
  loadEmbeddingModel,
  sha256,
} from './checkpoint-codec';
import { initFaceTestBackend } from './testing/test-backend';
import { tinyTrainingConfig, tinyTrainingData } from './testing/tiny-training';
import { TrainingCheckpoint } from './training-checkpoint';
import { EmbeddingTrainer } from './trainer';

let trainer: EmbeddingTrainer;
let checkpoint: TrainingCheckpoint;

beforeAll(async () => {
  await initFaceTestBackend();
  const config = tinyTrainingConfig({ steps: 3, evalEvery: 3 });
  trainer = EmbeddingTrainer.create(config, await tinyTrainingData(config));
  checkpoint = (await trainer.run()).checkpoint as TrainingCheckpoint;
});

afterAll(() => trainer.dispose());

describe('checkpoint codec', () => {
  it('writes the four files and reads back the same checkpoint', () => {
    const files = encodeCheckpoint(checkpoint);
    expect(Object.keys(files).sort()).toEqual(['model.json', 'optimizer.json', 'state.json', 'weights.bin']);
    const decoded = decodeCheckpoint(files);
    expect(decoded).toEqual(checkpoint);
  });

  it('records a SHA-256 per file and refuses a corrupt or missing file', () => {
    const files = encodeCheckpoint(checkpoint);
    const state = JSON.parse(Buffer.from(files['state.json']).toString('utf8'));
    expect(state.sha256['weights.bin']).toBe(sha256(files['weights.bin']));
    const corrupt = { ...files, 'weights.bin': files['weights.bin'].slice() };
    corrupt['weights.bin'][10] ^= 0xff;
    expect(() => decodeCheckpoint(corrupt)).toThrow(/weights.bin is corrupt: sha256/);
    const { 'optimizer.json': _missing, ...partial } = files;
    expect(() => decodeCheckpoint(partial)).toThrow(/missing optimizer.json/);
  });

  it('model.json + weights.bin load with tf.loadLayersModel and carry the inference metadata', async () => {
    const files = encodeCheckpoint(checkpoint);
    const model = await tf.loadLayersModel(checkpointFilesIOHandler(files));
    const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 8);
    const expected = trainer.model.predict(x) as tf.Tensor;
    const actual = model.predict(x) as tf.Tensor;
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    const metadata = model.getUserDefinedMetadata() as unknown as EmbeddingModelMetadata;
    expect(metadata).toMatchObject({ step: 3, distance: 'euclidean', threshold: checkpoint.threshold });
    expect(metadata.preprocessing).toEqual(checkpoint.config.preprocessing);
    tf.dispose([x, expected, actual]);
    model.dispose();
  });

  it('loads the model for inference with its metadata from model.json and weights.bin alone', async () => {
    const { 'model.json': modelJson, 'weights.bin': weights } = encodeCheckpoint(checkpoint);
    const { model, metadata } = await loadEmbeddingModel({ 'model.json': modelJson, 'weights.bin': weights });
    expect(metadata.threshold).toBe(checkpoint.threshold);
    expect(model.outputs[0].shape).toEqual([null, 8]);
    model.dispose();
    await expect(loadEmbeddingModel({ 'model.json': modelJson })).rejects.toThrow(/weights.bin named by model.json is missing/);
  });
});
