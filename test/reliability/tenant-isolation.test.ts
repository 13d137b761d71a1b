import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';
import { uploadAttDataset } from '../support/datasets';
import { contentImage, renderForm, styleImage, vggBlock3Url } from '../support/shared-files';

// Item 10: every route of every resource answers 404 to another tenant (no existence leak), and
// 401 without a key.
const ACME = 'acme-key-0123456789abcdef';
const BETA = 'beta-key-0123456789abcdef';
const as = (key: string) => ({ authorization: `Bearer ${key}` });
let stack: TestStack;
let ids: { dataset: string; run: string; render: string; echo: string };

beforeAll(async () => {
  stack = await startTestStack({ workers: 1, env: { FACESTYLE_API_KEYS: `acme:${ACME},beta:${BETA}`, FACESTYLE_TF_BACKEND: 'wasm', VGG19_MODEL_URL: vggBlock3Url() } });
  const dataset = await uploadAttDataset(stack.baseUrl, 1, 6, as(ACME));
  const run = await http<{ id: string }>(`${stack.baseUrl}/v1/training-runs`, {
    method: 'POST',
    headers: as(ACME),
    json: { datasetId: dataset, steps: 2, model: { inputSize: 32, embeddingDim: 8 }, sampler: { identitiesPerBatch: 3, imagesPerIdentity: 2 }, validation: { identities: 2 }, evalEvery: 2, checkpointEvery: 2 },
  });
  const render = await http<{ id: string }>(`${stack.baseUrl}/v1/renders`, { method: 'POST', headers: as(ACME), body: renderForm({ content: contentImage(), styles: [styleImage()], options: { size: 32, iterations: 2, previewEvery: 1 } }) });
  const echo = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', headers: as(ACME), json: { message: 'mine' } });
  ids = { dataset, run: run.body.id, render: render.body.id, echo: echo.body.id };
  await pollUntil(() => http<{ status: string }>(`${stack.baseUrl}/v1/training-runs/${ids.run}`, { headers: as(ACME) }), (r) => r.body.status === 'completed', 120_000, 250);
  await pollUntil(() => http<{ status: string }>(`${stack.baseUrl}/v1/renders/${ids.render}`, { headers: as(ACME) }), (r) => r.body.status === 'completed', 120_000, 250);
}, 240_000);
afterAll(() => stack.stop());

const routes = (): [string, string][] => [
  ['GET', `/v1/datasets/${ids.dataset}`],
  ['GET', `/v1/datasets/${ids.dataset}?full=true`],
  ['DELETE', `/v1/datasets/${ids.dataset}`],
  ['GET', `/v1/training-runs/${ids.run}`],
  ['GET', `/v1/training-runs/${ids.run}/metrics`],
  ['GET', `/v1/training-runs/${ids.run}/events`],
  ['POST', `/v1/training-runs/${ids.run}/cancel`],
  ['GET', `/v1/training-runs/${ids.run}/checkpoints/latest/model.json`],
  ['GET', `/v1/training-runs/${ids.run}/checkpoints/2/weights.bin`],
  ['GET', `/v1/renders/${ids.render}`],
  ['GET', `/v1/renders/${ids.render}/output`],
  ['GET', `/v1/renders/${ids.render}/previews/1`],
  ['GET', `/v1/renders/${ids.render}/events`],
  ['POST', `/v1/renders/${ids.render}/cancel`],
  ['GET', `/v1/diagnostics/echo/${ids.echo}`],
  ['GET', `/v1/diagnostics/echo/${ids.echo}/events`],
  ['POST', `/v1/diagnostics/echo/${ids.echo}/cancel`],
];

describe('tenant isolation', () => {
  it('serves every route to the owner', async () => {
    for (const [method, route] of routes().filter(([m, r]) => m === 'GET' && !r.endsWith('/events'))) {
      expect((await http(`${stack.baseUrl}${route}`, { method, headers: as(ACME) })).status, `${method} ${route}`).toBe(200);
    }
  });

  it('answers 404 on every route to another tenant, and 401 without a key', async () => {
    for (const [method, route] of routes()) {
      const other = await http(`${stack.baseUrl}${route}`, { method, headers: as(BETA) });
      expect(other.status, `${method} ${route} as another tenant`).toBe(404);
      expect((await http(`${stack.baseUrl}${route}`, { method })).status, `${method} ${route} without a key`).toBe(401);
    }
    // Lists never show another tenant's resources.
    for (const list of ['/v1/datasets', '/v1/training-runs', '/v1/renders']) {
      expect(JSON.stringify((await http(`${stack.baseUrl}${list}`, { headers: as(BETA) })).body), list).not.toMatch(/ds_|run_|rnd_/);
    }
    // A training run cannot be started on another tenant's dataset.
    const foreign = await http<{ message: string }>(`${stack.baseUrl}/v1/training-runs`, { method: 'POST', headers: as(BETA), json: { datasetId: ids.dataset, steps: 1 } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.message).toMatch(/body\.datasetId: dataset .* not found/);
  });
});
