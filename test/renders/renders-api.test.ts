import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngBomb } from '../../libs/core/src/datasets/testing/archive-builders';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';
import { contentImage, renderForm, styleImage, vggBlock3Url } from '../support/shared-files';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ workers: 1, env: { VGG19_MODEL_URL: vggBlock3Url(), FACESTYLE_TF_BACKEND: 'wasm' } });
}, 120_000);
afterAll(() => stack.stop());

type RenderView = {
  id: string;
  status: string;
  iteration: number;
  iterations: number;
  losses: { total: number } | null;
  lossHistory: { iteration: number; total: number; content: number; style: number }[];
  previews: { iteration: number; url: string }[];
  output: { url: string; width: number; height: number } | null;
  error?: string;
};

const submit = (form: FormData) => http<{ id: string; status: string; message?: string }>(`${stack.baseUrl}/v1/renders`, { method: 'POST', body: form });
const view = (id: string) => http<RenderView>(`${stack.baseUrl}/v1/renders/${id}`);
const finished = (id: string, timeoutMs = 90_000) => pollUntil(() => view(id), (r) => ['completed', 'failed', 'cancelled'].includes(r.body.status), timeoutMs, 200);

describe('renders API with a worker (VGG19 block3 weights, wasm)', () => {
  it('renders, reports losses from iteration 0, writes previews and an output of exactly the requested size', async () => {
    const options = { size: 48, iterations: 6, previewEvery: 3, seed: 7, styleWeight: 1, contentWeight: 1, tvWeight: 1, learningRate: 8 };
    const { status, body } = await submit(renderForm({ content: contentImage(), styles: [styleImage()], options }));
    expect(status).toBe(202);
    const done = await finished(body.id);
    expect(done.body.error).toBeUndefined();
    expect(done.body).toMatchObject({ status: 'completed', iteration: 6, iterations: 6 });
    expect(done.body.lossHistory.map((h) => h.iteration)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const totals = done.body.lossHistory.map((h) => h.total);
    expect(totals.at(-1)!).toBeLessThan(totals[0]);
    expect(done.body.previews.map((p) => p.iteration)).toEqual([3, 6]);
    const output = await fetch(`${stack.baseUrl}${done.body.output!.url}`);
    expect(output.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await output.arrayBuffer())).metadata();
    // tubingen.jpg is landscape: long side 48, short side floor(h · 48 / w).
    const source = await sharp(contentImage()).metadata();
    expect([meta.width, meta.height]).toEqual([48, Math.floor((source.height! * 48) / source.width!)]);
    const preview = await fetch(`${stack.baseUrl}${done.body.previews[0].url}`);
    expect(preview.status).toBe(200);
    // The VGG weights were cached in storage under models/.
    expect(fs.readdirSync(path.join(stack.storageDir, 'models')).some((d) => d.startsWith('vgg19-'))).toBe(true);
  });

  it.each([
    ['no content', { content: undefined }, 400, /^content: expected exactly one image/],
    ['no style', { styles: [] }, 400, /^style: expected one or more/],
    ['an unknown option', { options: { size: 32, sharpness: 3 } }, 400, /options\.sharpness: unknown field/],
    ['a negative weight', { options: { styleWeight: -1 } }, 400, /options\.styleWeight: /],
    ['too many iterations', { options: { iterations: 999_999 } }, 400, /options\.iterations: /],
    ['an oversized render', { options: { size: 100_000 } }, 400, /options\.size: /],
    ['options that are not JSON', { options: '{size:' }, 400, /options: not valid JSON/],
    ['blend weights that do not match the styles', { options: { styleBlendWeights: [1, 2] } }, 400, /options\.styleBlendWeights: 2 weights for 1 style/],
    ['a text file as content', { content: Buffer.from('hello, not an image') }, 422, /^content: not a supported image/],
    ['a decompression bomb as style', { styles: [pngBomb(60_000, 60_000)] }, 422, /^style\[0\]: image is 60000×60000/],
    ['an SVG style', { styles: [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')] }, 422, /^style\[0\]: not a supported image/],
    ['an unexpected file field', { extra: { mask: Buffer.from('x') } }, 400, /^mask: unknown file field/],
  ])('refuses %s with a 4xx naming the field, storing and queueing nothing', async (_label, parts, status, message) => {
    const before = await http<{ queues: { render: Record<string, number> } }>(`${stack.baseUrl}/v1/queues`);
    const good = { content: contentImage(), styles: [styleImage()], options: { size: 32, iterations: 1 } };
    const response = await submit(renderForm({ ...good, ...(parts as object) }));
    expect(response.status).toBe(status);
    expect(response.body.message).toMatch(message);
    const after = await http<{ queues: { render: Record<string, number> } }>(`${stack.baseUrl}/v1/queues`);
    expect(after.body.queues.render).toEqual(before.body.queues.render);
    const renders = fs.existsSync(path.join(stack.storageDir, 'renders')) ? fs.readdirSync(path.join(stack.storageDir, 'renders')) : [];
    const listed = await http<{ renders: { id: string }[] }>(`${stack.baseUrl}/v1/renders?limit=500`);
    expect(renders.sort()).toEqual(listed.body.renders.map((r) => r.id).sort());
  });

  it('cancels a running render within an iteration and keeps its last image as a preview', async () => {
    const { body } = await submit(renderForm({ content: contentImage(), styles: [styleImage()], options: { size: 64, iterations: 2000, seed: 1 } }));
    await pollUntil(() => view(body.id), (r) => r.body.iteration >= 2, 60_000, 100);
    const cancel = await http<RenderView>(`${stack.baseUrl}/v1/renders/${body.id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    const done = await finished(body.id, 30_000);
    expect(done.body.status).toBe('cancelled');
    expect(done.body.iteration).toBeLessThan(2000);
    expect(done.body.previews.length).toBeGreaterThan(0);
    expect((await fetch(`${stack.baseUrl}${done.body.previews.at(-1)!.url}`)).status).toBe(200);
  });

  it('fails a render whose requested layer is not in the model, without retrying', async () => {
    const { body } = await submit(renderForm({ content: contentImage(), styles: [styleImage()], options: { size: 32, iterations: 2, contentLayers: ['block5_conv2'] } }));
    const done = await finished(body.id, 60_000);
    expect(done.body.status).toBe('failed');
    expect(done.body.error).toMatch(/block5_conv2/);
  });
});
