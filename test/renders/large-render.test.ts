import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';
import { contentImage, renderForm, styleImage, vggBlock3Url } from '../support/shared-files';

// Large renders in miniature: a coarse size and tile budget far below the output size make the
// worker run coarse-to-fine with tiling, as it would for a 2048 px print.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({
    workers: 1,
    env: { VGG19_MODEL_URL: vggBlock3Url(), FACESTYLE_TF_BACKEND: 'wasm', RENDER_COARSE_SIZE: '32', RENDER_MAX_TILE_PIXELS: String(96 * 96) },
  });
}, 120_000);
afterAll(() => stack.stop());

describe('coarse-to-fine tiled render through the worker', () => {
  it('renders across scales and tiles to exactly the requested size, reporting every iteration', async () => {
    const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/renders`, {
      method: 'POST',
      body: renderForm({ content: contentImage(), styles: [styleImage()], options: { size: 128, iterations: 14, seed: 4 } }),
    });
    const done = await pollUntil(
      () => http<{ status: string; output: { url: string }; lossHistory: { iteration: number; total: number }[]; error?: string }>(`${stack.baseUrl}/v1/renders/${body.id}`),
      (r) => ['completed', 'failed'].includes(r.body.status),
      180_000,
      250,
    );
    expect(done.body.error).toBeUndefined();
    expect(done.body.status).toBe('completed');
    expect(done.body.lossHistory).toHaveLength(15);
    const png = Buffer.from(await (await fetch(`${stack.baseUrl}${done.body.output.url}`)).arrayBuffer());
    const meta = await sharp(png).metadata();
    const source = await sharp(contentImage()).metadata();
    expect([meta.width, meta.height]).toEqual([128, Math.floor((source.height! * 128) / source.width!)]);
  });
});
