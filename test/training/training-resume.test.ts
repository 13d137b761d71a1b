import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';
import { uploadAttDataset } from '../support/datasets';

// Faults 1 and 3 of the reliability contract: a worker killed (kill -9) or stopped (SIGTERM) in
// the middle of a run; another worker continues from the latest checkpoint.
let stack: TestStack;
let datasetId: string;
beforeAll(async () => {
  stack = await startTestStack({ workers: 1, env: { FACESTYLE_TF_BACKEND: 'wasm', FACESTYLE_JOB_LOCK_MS: '2000' } });
  datasetId = await uploadAttDataset(stack.baseUrl, 1, 8);
}, 120_000);
afterAll(() => stack.stop());

type View = { status: string; step: number; attempts: number; resumedFrom: number | null; error?: string };
type Metrics = { steps: { step: number; loss: number }[] };
const K = 10;
const options = {
  steps: 40,
  model: { inputSize: 32, embeddingDim: 16 },
  sampler: { identitiesPerBatch: 4, imagesPerIdentity: 3 },
  validation: { identities: 2 },
  evalEvery: 20,
  checkpointEvery: K,
  seed: 11,
};

async function runToEnd(id: string): Promise<{ view: View; metrics: Metrics }> {
  const done = await pollUntil(() => http<View>(`${stack.baseUrl}/v1/training-runs/${id}`), (r) => ['completed', 'failed'].includes(r.body.status), 180_000, 250);
  const metrics = await http<Metrics>(`${stack.baseUrl}/v1/training-runs/${id}/metrics`);
  return { view: done.body, metrics: metrics.body };
}

describe('training runs survive their worker', () => {
  let reference: Metrics;

  it('an uninterrupted run, as the reference', async () => {
    const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/training-runs`, { method: 'POST', json: { datasetId, ...options } });
    const { view, metrics } = await runToEnd(body.id);
    expect(view).toMatchObject({ status: 'completed', step: 40, attempts: 1 });
    reference = metrics;
  });

  it('after kill -9, resumes from the latest checkpoint: ≤ K steps recomputed, no gap or repeat, same losses', async () => {
    const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/training-runs`, { method: 'POST', json: { datasetId, ...options } });
    const at = await pollUntil(() => http<View>(`${stack.baseUrl}/v1/training-runs/${body.id}`), (r) => r.body.step >= 15, 120_000, 30);
    await stack.workers.at(-1)!.stop('SIGKILL');
    const killedAt = at.body.step;
    await stack.startWorker();
    const { view, metrics } = await runToEnd(body.id);
    expect(view.error).toBeUndefined();
    expect(view).toMatchObject({ status: 'completed', step: 40, attempts: 2 });
    expect(view.resumedFrom).toBeGreaterThanOrEqual(killedAt - K);
    expect(view.resumedFrom! % K).toBe(0);
    expect(metrics.steps.map((s) => s.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // Same data order, augmentation and optimizer state: the loss curve matches the uninterrupted run.
    for (const [i, s] of metrics.steps.entries()) expect(s.loss, `step ${s.step}`).toBeCloseTo(reference.steps[i].loss, 3);
  });

  it('on SIGTERM, checkpoints the running step, exits, and the run resumes elsewhere without losing an attempt', async () => {
    const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/training-runs`, { method: 'POST', json: { datasetId, ...options, checkpointEvery: 1000 } });
    await pollUntil(() => http<View>(`${stack.baseUrl}/v1/training-runs/${body.id}`), (r) => r.body.step >= 5, 120_000, 30);
    const started = Date.now();
    const code = await stack.workers.at(-1)!.stop('SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const paused = await http<View & { checkpoints: { step: number }[] }>(`${stack.baseUrl}/v1/training-runs/${body.id}`);
    const savedAt = paused.body.checkpoints.at(-1)!.step;
    expect(savedAt).toBeGreaterThanOrEqual(5);
    await stack.startWorker();
    const { view, metrics } = await runToEnd(body.id);
    expect(view).toMatchObject({ status: 'completed', step: 40 });
    expect(view.resumedFrom).toBe(savedAt);
    expect(metrics.steps.map((s) => s.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const [i, s] of metrics.steps.entries()) expect(s.loss, `step ${s.step}`).toBeCloseTo(reference.steps[i].loss, 3);
  });
});
