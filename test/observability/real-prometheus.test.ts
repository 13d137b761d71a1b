import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusServer, startPrometheus } from '../../libs/infra/src/testing/prometheus-server';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';
import { uploadAttDataset } from '../support/datasets';
import { contentImage, renderForm, styleImage, vggBlock3Url } from '../support/shared-files';

let stack: TestStack;
let prometheus: PrometheusServer;
let datasetId: string;
beforeAll(async () => {
  stack = await startTestStack({ workers: 1, env: { FACESTYLE_TF_BACKEND: 'wasm', VGG19_MODEL_URL: vggBlock3Url() } });
  const workerPort = /metrics on :(\d+)/.exec(stack.workers[0].output())![1];
  prometheus = await startPrometheus({
    'facestyle-api': [stack.baseUrl.replace('http://', '')],
    'facestyle-worker': [`127.0.0.1:${workerPort}`],
  });
  datasetId = await uploadAttDataset(stack.baseUrl, 1, 8);
}, 120_000);
afterAll(async () => {
  await prometheus?.stop();
  await stack?.stop();
});

const now = () => Date.now() / 1000;

describe('metrics in a real Prometheus', () => {
  it('records a training run’s loss curve, step by step, and removes the run’s series when it ends', async () => {
    const started = now();
    const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/training-runs`, {
      method: 'POST',
      json: { datasetId, steps: 60, model: { inputSize: 32, embeddingDim: 16 }, sampler: { identitiesPerBatch: 4, imagesPerIdentity: 3 }, validation: { identities: 2 }, evalEvery: 30, checkpointEvery: 30, seed: 2, optimizer: { learningRate: 0.003 } },
    });
    const done = await pollUntil(() => http<{ status: string; step: number }>(`${stack.baseUrl}/v1/training-runs/${body.id}`), (r) => ['completed', 'failed'].includes(r.body.status), 180_000, 250);
    expect(done.body.status).toBe('completed');
    const ended = now();
    await new Promise((r) => setTimeout(r, 2_500)); // one more scrape after the end
    const [stepSeries] = await prometheus.queryRange(`facestyle_training_step{run_id="${body.id}"}`, started, ended + 2, 1);
    const [lossSeries] = await prometheus.queryRange(`facestyle_training_loss{run_id="${body.id}"}`, started, ended + 2, 1);
    expect(stepSeries, 'step series scraped').toBeDefined();
    // One sample per scrape while the run was live: as many as the seconds it trained (±2 for the edges).
    const liveSeconds = stepSeries.values.length;
    expect(lossSeries.values.length).toBe(liveSeconds);
    expect(liveSeconds).toBeGreaterThanOrEqual(3);
    const steps = stepSeries.values.map(([, v]) => Number(v));
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    const losses = lossSeries.values.map(([, v]) => Number(v));
    const head = losses.slice(0, Math.max(1, Math.floor(losses.length / 3)));
    const tail = losses.slice(-Math.max(1, Math.floor(losses.length / 3)));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(tail)).toBeLessThan(mean(head));
    // Per-run series are dropped when the run ends (history stays in Prometheus).
    expect(await prometheus.query(`facestyle_training_loss{run_id="${body.id}"}`)).toEqual([]);
    const auc = await prometheus.queryRange(`facestyle_training_eval_roc_auc_ratio{run_id="${body.id}"}`, started, ended + 2, 1);
    expect(auc.length).toBe(1);
    const counters = await prometheus.query('facestyle_training_steps_total');
    expect(Number(counters[0].value[1])).toBeGreaterThanOrEqual(60);
    const checkpoints = await prometheus.query('facestyle_training_checkpoints_total');
    expect(Number(checkpoints[0].value[1])).toBeGreaterThanOrEqual(2);
  });

  it('records render progress, losses and iteration durations', async () => {
    const started = now();
    const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/renders`, {
      method: 'POST',
      body: renderForm({ content: contentImage(), styles: [styleImage()], options: { size: 48, iterations: 40, seed: 1 } }),
    });
    await pollUntil(() => http<{ status: string }>(`${stack.baseUrl}/v1/renders/${body.id}`), (r) => r.body.status === 'completed', 120_000, 250);
    await new Promise((r) => setTimeout(r, 2_500));
    const progress = await prometheus.queryRange(`facestyle_render_progress_ratio{render_id="${body.id}"}`, started, now(), 1);
    expect(progress.length).toBe(1);
    const ratios = progress[0].values.map(([, v]) => Number(v));
    expect(ratios).toEqual([...ratios].sort((a, b) => a - b));
    const iterations = await prometheus.query('facestyle_render_iteration_seconds_count');
    expect(Number(iterations[0].value[1])).toBe(40);
    const total = await prometheus.queryRange(`facestyle_render_loss{render_id="${body.id}", term="total"}`, started, now(), 1);
    expect(total.length).toBe(1);
  });

  it('scrapes queue depth from the API and job outcomes from the worker', async () => {
    const queues = await prometheus.query('facestyle_queue_jobs{state="completed"}');
    const byQueue = Object.fromEntries(queues.map((q) => [q.metric.queue, Number(q.value[1])]));
    expect(byQueue.training).toBeGreaterThanOrEqual(1);
    const finished = await prometheus.query('sum by (queue) (facestyle_jobs_finished_total{outcome="completed"})');
    expect(finished.map((f) => f.metric.queue).sort()).toEqual(['render', 'training']);
    const up = await prometheus.query('up');
    expect(up.every((u) => u.value[1] === '1')).toBe(true);
  });
});
