/**
 * The web dashboard and the browser example in a real Chromium against a real stack (API with
 * API keys on, one worker on wasm, VGG19 block3 weights): the pages ask for a key, then follow a
 * training run and a render live, draw their curves from the API's numbers, show the images, and
 * the example page verifies two AT&T faces with the run's checkpoint in TF.js in the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocessFaceImage, type PreprocessingSpec, vectorDistance } from '@facestyle/core';
import { attFacesDir } from '../../libs/core/src/testing/shared-data';
import { uploadAttDataset } from '../support/datasets';
import { contentImage, renderForm, styleImage, vggBlock3Url } from '../support/shared-files';
import { http, startTestStack, TestStack } from '../support/test-stack';
import { launchBrowser, TestBrowser } from './browser';

const ALICE = 'alice-key-0123456789abcdef';
const BOB = 'bob-key-0123456789abcdef0';
const auth = { authorization: `Bearer ${ALICE}` };

let stack: TestStack;
let browser: TestBrowser;
let datasetId: string;
let runId: string;
let renderId: string;

beforeAll(async () => {
  stack = await startTestStack({
    workers: 1,
    env: { VGG19_MODEL_URL: vggBlock3Url(), FACESTYLE_TF_BACKEND: 'wasm', FACESTYLE_API_KEYS: `alice:${ALICE},bob:${BOB}` },
  });
  datasetId = await uploadAttDataset(stack.baseUrl, 1, 8, auth);
  browser = await launchBrowser(stack.baseUrl);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

type RunView = {
  id: string;
  status: string;
  step: number;
  steps: number;
  loss: number;
  evaluation: { rocAuc: number; eer: number; threshold: number };
  checkpoints: { step: number; modelUrl: string }[];
};
type RenderView = {
  status: string;
  iterations: number;
  lossHistory: unknown[];
  previews: { iteration: number }[];
  output: { url: string; width: number; height: number } | null;
};

const api = <T>(p: string) => http<T>(`${stack.baseUrl}${p}`, { headers: auth }).then((r) => r.body);
const attImage = (identity: string, file: string) => path.join(attFacesDir(), identity, file);
const attr = (selector: string, name: string) => browser.page.locator(selector).first().getAttribute(name);

describe('web dashboard', () => {
  it('serves its files (and TF.js) without a key, with a CSP, and nothing else', async () => {
    const get = (p: string) => fetch(`${stack.baseUrl}${p}`, { redirect: 'manual' });
    for (const [p, type] of [['/', 'text/html'], ['/dashboard/runs/run_x', 'text/html'], ['/assets/app.js', 'text/javascript'], ['/examples/verify.html', 'text/html'], ['/vendor/tf.es2017.min.js', 'text/javascript']]) {
      const response = await get(p);
      expect(response.status, p).toBe(200);
      expect(response.headers.get('content-type'), p).toContain(type);
      expect(response.headers.get('content-security-policy'), p).toContain("default-src 'self'");
      await response.arrayBuffer();
    }
    expect((await get('/examples')).headers.get('location')).toBe('/examples/verify.html');
    for (const p of ['/assets/..%2F..%2F..%2Fpackage.json', '/assets/nothing.js', '/examples/..%2Fapi%2Fpackage.json', '/vendor/tf.min.js', '/dashboard/nope']) {
      expect((await get(p)).status, p).toBe(404);
    }
  });

  it('serves the pages without a key, and shows data only once a key is entered', async () => {
    const { page } = browser;
    const response = await page.goto(`${stack.baseUrl}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => page.locator('#runs .error').textContent()).toMatch(/API key/);

    await page.fill('#api-key', ALICE);
    await page.click('#api-key-form button[type=submit]');
    await page.locator('table[data-table=queues] tr[data-queue=training]').waitFor();
    expect(await page.locator('#runs .error').textContent()).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('facestyle.apiKey'))).toBe(ALICE);
    // The 401s before the key was entered are the only console errors expected from here on.
    expect(browser.errors.every((e) => /status of 401/.test(e))).toBe(true);
    browser.errors.length = 0;
  });

  it('follows a training run live: step, loss curve, active triplets, evaluation and checkpoints', async () => {
    const submitted = await http<{ id: string }>(`${stack.baseUrl}/v1/training-runs`, {
      method: 'POST',
      headers: auth,
      json: { datasetId, steps: 16, model: { inputSize: 32, embeddingDim: 16 }, sampler: { identitiesPerBatch: 4, imagesPerIdentity: 3 }, validation: { identities: 2 }, evalEvery: 4, checkpointEvery: 8, seed: 3 },
    });
    expect(submitted.status).toBe(202);
    runId = submitted.body.id;
    const { page } = browser;
    await page.goto(`${stack.baseUrl}/dashboard/runs/${runId}`);
    // Live through the event stream (fetched with the key), not by polling.
    await page.locator('.live[data-live=streaming]').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-field=step]')?.getAttribute('data-value')) > 0, undefined, { timeout: 90_000 });
    await page.locator('.title-row [data-status=completed]').waitFor({ timeout: 90_000 });
    await page.locator('.live[data-live=ended]').waitFor();

    const run = await api<RunView>(`/v1/training-runs/${runId}`);
    const metrics = await api<{ steps: { step: number; loss: number }[]; evaluations: { step: number; rocAuc: number }[] }>(`/v1/training-runs/${runId}/metrics`);
    expect(run.status).toBe('completed');
    await page.waitForFunction((n) => document.querySelector('[data-chart=loss] path[data-series=loss]')?.getAttribute('data-points') === String(n), metrics.steps.length);
    expect(metrics.steps).toHaveLength(16);
    expect(await attr('[data-chart=active-triplets] path[data-series=active]', 'data-points')).toBe('16');
    expect(await attr('[data-chart=evaluation] path[data-series="ROC AUC"]', 'data-points')).toBe(String(metrics.evaluations.length));
    expect(await attr('[data-chart=evaluation] path[data-series=EER]', 'data-points')).toBe(String(metrics.evaluations.length));
    // The loss path has one vertex per step, placed by the loss values (lower loss → larger y).
    const d = (await attr('[data-chart=loss] path[data-series=loss]', 'd')) ?? '';
    const ys = [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(16);
    const [iMax, iMin] = [argMax(metrics.steps.map((s) => s.loss)), argMax(metrics.steps.map((s) => -s.loss))];
    expect(ys[iMax]).toBe(Math.min(...ys));
    expect(ys[iMin]).toBe(Math.max(...ys));

    expect(Number(await attr('[data-field=step]', 'data-value'))).toBe(16);
    expect(Number(await attr('[data-field=loss]', 'data-value'))).toBeCloseTo(run.loss, 12);
    expect(Number(await attr('[data-field=rocAuc]', 'data-value'))).toBeCloseTo(run.evaluation.rocAuc, 12);
    expect(Number(await attr('[data-field=threshold]', 'data-value'))).toBeCloseTo(run.evaluation.threshold, 12);
    expect(await page.locator('[data-field=rocAuc] .value').textContent()).toBe(String(Number(run.evaluation.rocAuc.toPrecision(4))));

    const links = await page.locator('table[data-table=checkpoints] a[data-file="model.json"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual([...run.checkpoints].reverse().map((c) => c.modelUrl));
    // With a key the link downloads through fetch (a plain link could not send the key).
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-file="model.json"]').first().click()]);
    const modelJson = JSON.parse(fs.readFileSync((await download.path()) as string, 'utf8'));
    expect(modelJson.userDefinedMetadata).toMatchObject({ step: 16, threshold: expect.any(Number) });
    await browser.screenshot('run');
  }, 120_000);

  it('follows a render live and shows its previews and output image', async () => {
    const options = { size: 64, iterations: 8, previewEvery: 4, seed: 7, learningRate: 8 };
    const submitted = await http<{ id: string }>(`${stack.baseUrl}/v1/renders`, { method: 'POST', headers: auth, body: renderForm({ content: contentImage(), styles: [styleImage()], options }) });
    expect(submitted.status).toBe(202);
    renderId = submitted.body.id;
    const { page } = browser;
    await page.goto(`${stack.baseUrl}/dashboard/renders/${renderId}`);
    await page.locator('.live[data-live=streaming]').waitFor();
    await page.waitForFunction(() => (document.querySelector('img[data-output]') as HTMLImageElement | null)?.naturalWidth, undefined, { timeout: 90_000 });

    const render = await api<RenderView>(`/v1/renders/${renderId}`);
    expect(render.status).toBe('completed');
    const size = await page.locator('img[data-output]').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    expect(size).toEqual([render.output?.width, render.output?.height]);
    await page.waitForFunction((n) => Array.from(document.querySelectorAll<HTMLImageElement>('img[data-preview]')).filter((i) => i.naturalWidth > 0).length === n, render.previews.length);
    expect(render.previews.length).toBeGreaterThan(0);
    await page.waitForFunction(
      (n) => document.querySelector('[data-chart=render-loss] path[data-series=total]')?.getAttribute('data-points') === String(n),
      render.lossHistory.length,
    );
    expect(render.lossHistory).toHaveLength(9);
    expect(await attr('[data-field=iteration]', 'data-value')).toBe('8');
    await browser.screenshot('render');
  }, 120_000);

  it('lists the runs and renders with their numbers, and the queues', async () => {
    const { page } = browser;
    await page.goto(`${stack.baseUrl}/`);
    const row = page.locator(`tr[data-run="${runId}"]`);
    await row.waitFor();
    const run = await api<RunView>(`/v1/training-runs/${runId}`);
    expect(await row.locator('[data-status]').textContent()).toBe('completed');
    expect(await row.locator('.progress .text').textContent()).toBe('16/16');
    expect(await row.locator('[data-field=rocAuc]').textContent()).toBe(String(Number(run.evaluation.rocAuc.toPrecision(4))));
    expect(await row.locator('[data-field=loss]').textContent()).toBe(String(Number(run.loss.toPrecision(4))));
    const renderRow = page.locator(`tr[data-render="${renderId}"]`);
    expect(await renderRow.locator('[data-status]').textContent()).toBe('completed');
    await renderRow.locator('img.thumb').evaluate((img: HTMLImageElement) => img.decode());
    const queues = await api<{ queues: Record<string, Record<string, number>> }>('/v1/queues');
    expect(await page.locator('tr[data-queue=render] [data-state=completed]').textContent()).toBe(String(queues.queues.render.completed));
    await browser.screenshot('home');

    // Another tenant's key shows that tenant's (empty) lists.
    await page.fill('#api-key', BOB);
    await page.click('#api-key-form button[type=submit]');
    await expect.poll(() => page.locator('#runs .panel-body').textContent()).toMatch(/No training runs yet/);
    await page.fill('#api-key', ALICE);
    await page.click('#api-key-form button[type=submit]');
    await page.locator(`tr[data-run="${runId}"]`).waitFor();
  });

  it('verifies two AT&T faces in the page with the run checkpoint, as TF.js in Node computes it', async () => {
    const { page } = browser;
    const response = await page.goto(`${stack.baseUrl}/examples/verify.html?run=${runId}&backend=cpu`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => page.locator('#model-status').textContent(), { timeout: 30_000 }).toMatch(/^loaded/);
    const modelUrl = `${stack.baseUrl}/v1/training-runs/${runId}/checkpoints/latest/model.json`;
    const modelJson = await api<{ userDefinedMetadata: { threshold: number; preprocessing: PreprocessingSpec; distance: 'euclidean' | 'cosine' } }>(
      `/v1/training-runs/${runId}/checkpoints/latest/model.json`,
    );
    const { threshold, preprocessing, distance: metric } = modelJson.userDefinedMetadata;

    await tf.setBackend('cpu');
    const model = await tf.loadLayersModel(modelUrl, { requestInit: { headers: auth } });
    const embed = (pixels: Float32Array) =>
      tf.tidy(() => Array.from((model.predict(tf.tensor4d(pixels, [1, preprocessing.inputSize, preprocessing.inputSize, preprocessing.channels])) as tf.Tensor).dataSync()));
    try {
      for (const [a, b] of [[['s1', '1.png'], ['s1', '2.png']], [['s1', '1.png'], ['s7', '3.png']]] as const) {
        await page.setInputFiles('#image-a', attImage(a[0], a[1]));
        await page.setInputFiles('#image-b', attImage(b[0], b[1]));
        await page.waitForFunction((files) => window.facestyleVerify?.files.every((f, i) => f?.name === files[i]) && document.querySelector('#result')?.getAttribute('data-distance') === String(window.facestyleVerify.distance) && window.facestyleVerify.faces.every((f) => f), [a[1], b[1]]);
        const shown = await page.evaluate(() => {
          const state = window.facestyleVerify;
          const result = document.querySelector('#result') as HTMLElement;
          return {
            distance: Number(result.dataset.distance),
            threshold: Number(result.dataset.threshold),
            verdict: result.dataset.state,
            text: result.textContent ?? '',
            inputs: state.faces.map((f) => Array.from(f.pixels)),
          };
        });
        expect(shown.threshold).toBe(threshold);
        expect(shown.verdict).toBe(shown.distance <= threshold ? 'match' : 'no-match');
        expect(shown.text).toContain(`distance ${shown.distance.toFixed(4)}`);
        expect(shown.text).toContain(`threshold ${threshold.toFixed(4)}`);
        // The page's model on the page's inputs = TF.js in Node on the same inputs.
        const nodeEmbeddings = shown.inputs.map((pixels) => embed(Float32Array.from(pixels)));
        expect(shown.distance).toBeCloseTo(vectorDistance(nodeEmbeddings[0], nodeEmbeddings[1], metric), 4);
        // The page's preprocessing (canvas + Lanczos-3) ≈ the server's (sharp), and so the distances.
        const serverInputs = await Promise.all([a, b].map(([id, file]) => preprocessFaceImage(fs.readFileSync(attImage(id, file)), preprocessing)));
        for (const [i, pixels] of shown.inputs.entries()) expect(meanAbsoluteDifference(pixels, serverInputs[i])).toBeLessThan(0.05);
        const serverDistance = vectorDistance(embed(serverInputs[0]), embed(serverInputs[1]), metric);
        expect(Math.abs(shown.distance - serverDistance)).toBeLessThan(0.03);
        if (a[0] === b[0]) await browser.screenshot('verify');
      }
    } finally {
      model.dispose();
    }
    expect(browser.foreignRequests).toEqual([]);
    expect(browser.errors).toEqual([]);
  }, 60_000);
});

function argMax(values: number[]): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}

function meanAbsoluteDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

declare global {
  interface Window {
    facestyleVerify: { files: (File | null)[]; faces: { pixels: Float32Array }[]; distance: number };
  }
}
