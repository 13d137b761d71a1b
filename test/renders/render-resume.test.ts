import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';
import { contentImage, renderForm, styleImage, vggBlock3Url } from '../support/shared-files';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ workers: 1, env: { VGG19_MODEL_URL: vggBlock3Url(), FACESTYLE_TF_BACKEND: 'wasm', FACESTYLE_JOB_LOCK_MS: '2000' } });
}, 120_000);
afterAll(() => stack.stop());

type View = { status: string; iteration: number; attempts: number; resumedFrom: number | null; lossHistory: { iteration: number }[]; error?: string };

describe('a render whose worker is killed', () => {
  it('resumes on another worker from the last saved state, with a continuous loss history', async () => {
    const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/renders`, {
      method: 'POST',
      body: renderForm({ content: contentImage(), styles: [styleImage()], options: { size: 40, iterations: 60, seed: 3 } }),
    });
    const view = () => http<View>(`${stack.baseUrl}/v1/renders/${body.id}`);
    // The state is saved every 25 iterations; kill after the first save.
    await pollUntil(view, (r) => r.body.iteration >= 30, 90_000, 50);
    await stack.workers[0].stop('SIGKILL');
    await stack.startWorker();
    const done = await pollUntil(view, (r) => ['completed', 'failed'].includes(r.body.status), 120_000, 200);
    expect(done.body.error).toBeUndefined();
    expect(done.body).toMatchObject({ status: 'completed', iteration: 60, attempts: 2 });
    expect(done.body.resumedFrom).toBeGreaterThanOrEqual(25);
    expect(done.body.resumedFrom).toBeLessThan(60);
    expect(done.body.lossHistory.map((h) => h.iteration)).toEqual(Array.from({ length: 61 }, (_, i) => i));
  });
});
