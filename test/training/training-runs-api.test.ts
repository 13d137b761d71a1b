import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';
import { uploadAttDataset } from '../support/datasets';
import { vggBlock3Url } from '../support/shared-files';

let stack: TestStack;
let datasetId: string;
beforeAll(async () => {
  stack = await startTestStack({ workers: 1, env: { FACESTYLE_TF_BACKEND: 'wasm', VGG19_MODEL_URL: vggBlock3Url() } });
  datasetId = await uploadAttDataset(stack.baseUrl, 1, 8);
}, 120_000);
afterAll(() => stack.stop());

type RunView = {
  id: string;
  status: string;
  step: number;
  steps: number;
  loss: number | null;
  evaluation: { rocAuc: number; eer: number; threshold: number; accuracy: number; tarAtFar: Record<string, number> } | null;
  checkpoints: { step: number; modelUrl: string }[];
  bestStep: number | null;
  error?: string;
};

const small = { steps: 6, model: { inputSize: 32, embeddingDim: 16 }, sampler: { identitiesPerBatch: 4, imagesPerIdentity: 3 }, validation: { identities: 2 }, evalEvery: 3, checkpointEvery: 3, seed: 5 };
const submit = (body: unknown) => http<{ id: string; status: string; message?: string }>(`${stack.baseUrl}/v1/training-runs`, { method: 'POST', json: body });
const view = (id: string) => http<RunView>(`${stack.baseUrl}/v1/training-runs/${id}`);

describe('training runs through the API and a worker', () => {
  it('trains, evaluates on held-out identities, checkpoints, and serves a loadable TF.js model', async () => {
    const { status, body } = await submit({ datasetId, ...small });
    expect(status).toBe(202);
    const done = await pollUntil(() => view(body.id), (r) => ['completed', 'failed'].includes(r.body.status), 120_000, 250);
    expect(done.body.error).toBeUndefined();
    expect(done.body).toMatchObject({ status: 'completed', step: 6, steps: 6 });
    expect(done.body.evaluation).toMatchObject({ rocAuc: expect.any(Number), eer: expect.any(Number), threshold: expect.any(Number) });
    expect(done.body.checkpoints.map((c) => c.step)).toEqual(expect.arrayContaining([6]));
    const metrics = await http<{ steps: { step: number; loss: number }[]; evaluations: { step: number }[] }>(`${stack.baseUrl}/v1/training-runs/${body.id}/metrics`);
    expect(metrics.body.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(metrics.body.evaluations.map((e) => e.step)).toEqual([3, 6]);

    await tf.setBackend('cpu');
    await import('../../libs/core/src/ml/face/l2-normalization-layer');
    const model = await tf.loadLayersModel(`${stack.baseUrl}/v1/training-runs/${body.id}/checkpoints/latest/model.json`);
    const embedding = tf.tidy(() => model.predict(tf.zeros([1, 32, 32, 1])) as tf.Tensor);
    expect(embedding.shape).toEqual([1, 16]);
    const norm = tf.tidy(() => tf.norm(embedding).dataSync()[0]);
    expect(norm).toBeCloseTo(1, 4);
    tf.dispose([embedding]);
    model.dispose();
  });

  it('trains a projection on the pretrained vgg19 backbone, and its checkpoint loads in TF.js', async () => {
    const options = { ...small, model: { backbone: 'vgg19', inputSize: 16, embeddingDim: 8 } };
    const { status, body } = await submit({ datasetId, ...options });
    expect(status).toBe(202);
    const done = await pollUntil(() => view(body.id), (r) => ['completed', 'failed'].includes(r.body.status), 120_000, 250);
    expect(done.body.error).toBeUndefined();
    expect(done.body).toMatchObject({ status: 'completed', step: 6 });
    expect(done.body.evaluation?.rocAuc).toBeGreaterThan(0.5);

    await tf.setBackend('cpu');
    await import('../../libs/core/src/ml/face/l2-normalization-layer');
    await import('../../libs/core/src/ml/face/feature-standardization-layer');
    const model = await tf.loadLayersModel(`${stack.baseUrl}/v1/training-runs/${body.id}/checkpoints/latest/model.json`);
    expect(model.getLayer('vgg_block3_conv4').trainable).toBe(false);
    const embedding = tf.tidy(() => model.predict(tf.zeros([1, 16, 16, 1])) as tf.Tensor);
    expect(embedding.shape).toEqual([1, 8]);
    expect(tf.tidy(() => tf.norm(embedding).dataSync()[0])).toBeCloseTo(1, 4);
    tf.dispose([embedding]);
    model.dispose();
  });

  it.each([
    ['a backbone input size that is not a multiple of 8', { datasetId: '$DS', steps: 5, model: { backbone: 'vgg19', inputSize: 36 } }, /^body\.model\.inputSize: must be a multiple of 8/],
    ['an unknown backbone', { datasetId: '$DS', steps: 5, model: { backbone: 'resnet50' } }, /^body\.model\.backbone: /],
    ['a missing dataset', { datasetId: 'ds_AAAAAAAAAAAAAAAAAAAA', steps: 5 }, /^body\.datasetId: dataset ds_A+ not found/],
    ['no steps', { datasetId: '$DS' }, /^body\.steps: Required/],
    ['an unknown field', { datasetId: '$DS', steps: 5, epochs: 3 }, /^body\.epochs: unknown field/],
    ['an unknown mining strategy', { datasetId: '$DS', steps: 5, loss: { mining: 'random' } }, /^body\.loss\.mining: /],
    ['held-out identities that do not exist', { datasetId: '$DS', steps: 5, validation: { identities: ['s1', 'nobody'] } }, /validation\.identities: not in the dataset: nobody/],
    ['more identities per batch than the dataset can fill', { datasetId: '$DS', steps: 5, sampler: { identitiesPerBatch: 7 }, validation: { identities: 2 } }, /^body\.sampler\.identitiesPerBatch: 7 identities per batch, but only 6/],
    ['a negative learning rate', { datasetId: '$DS', steps: 5, optimizer: { learningRate: -1 } }, /^body\.optimizer\.learningRate: /],
  ])('refuses %s with a 400 naming the field and queues nothing', async (_label, raw, message) => {
    const before = await http<{ runs: unknown[] }>(`${stack.baseUrl}/v1/training-runs?limit=500`);
    const body = JSON.parse(JSON.stringify(raw).replace('$DS', datasetId));
    const response = await submit(body);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(message);
    const after = await http<{ runs: unknown[] }>(`${stack.baseUrl}/v1/training-runs?limit=500`);
    expect(after.body.runs.length).toBe(before.body.runs.length);
  });

  it('cancels a running run within a step', async () => {
    const { body } = await submit({ datasetId, ...small, steps: 5000, evalEvery: 1000, checkpointEvery: 1000 });
    await pollUntil(() => view(body.id), (r) => r.body.step >= 2, 60_000, 100);
    await http(`${stack.baseUrl}/v1/training-runs/${body.id}/cancel`, { method: 'POST' });
    const done = await pollUntil(() => view(body.id), (r) => r.body.status === 'cancelled', 30_000, 100);
    expect(done.body.step).toBeLessThan(5000);
    // Its state at the stop is kept as a checkpoint.
    expect(done.body.checkpoints.at(-1)?.step).toBe(done.body.step);
  });
});
