/**
 * The facestyle CLI as a child process against a real stack (API over HTTP, one worker process,
 * Redis, a storage folder): exit codes, --json output, uploads, SSE watching and downloads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attFacesDir, contentImagesDir, styleImagesDir } from '../../libs/core/src/testing/shared-data';
import { vggBlock3Url } from '../support/shared-files';
import { http, startTestStack, TestStack } from '../support/test-stack';
import { assertCliBuilt, CliOptions, runCli } from './run-cli';

const API_KEY = 'cli-team-key-0123456789abcdef';
let stack: TestStack;
let authStack: TestStack;
let workDir: string;

beforeAll(async () => {
  assertCliBuilt();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-cli-'));
  [stack, authStack] = await Promise.all([
    startTestStack({ workers: 1, env: { VGG19_MODEL_URL: vggBlock3Url(), FACESTYLE_TF_BACKEND: 'wasm' } }),
    startTestStack({ env: { FACESTYLE_API_KEYS: `team:${API_KEY}` } }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([stack?.stop(), authStack?.stop()]);
  fs.rmSync(workDir, { recursive: true, force: true });
});

const cli = (args: string[], options: CliOptions = {}) => runCli(args, { url: stack.baseUrl, cwd: workDir, ...options });
const contentImage = path.join(contentImagesDir(), 'tubingen.jpg');
const styleImage = path.join(styleImagesDir(), 'starry_night.jpg');

/** A dataset folder of AT&T identities s1..sN with the first `images` of each. */
function makeFaces(name: string, identities: number, images: number): string {
  const root = path.join(workDir, name);
  for (let s = 1; s <= identities; s++) {
    fs.mkdirSync(path.join(root, `s${s}`), { recursive: true });
    for (let i = 1; i <= images; i++) fs.copyFileSync(path.join(attFacesDir(), `s${s}`, `${i}.png`), path.join(root, `s${s}`, `${i}.png`));
  }
  return root;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** Whether the API serves a POST route (Nest answers an unknown one with 404 "Cannot POST …"). */
async function routeExists(pathname: string): Promise<boolean> {
  const probe = await http<{ message?: string }>(`${stack.baseUrl}${pathname}`, { method: 'POST' });
  return !(probe.status === 404 && /^Cannot POST/.test(probe.body.message ?? ''));
}

let trainedRunId: string | undefined;
const face = (identity: number, image: number) => path.join(attFacesDir(), `s${identity}`, `${image}.png`);

const jsonLines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line) as { event: string; data: Record<string, unknown> });

describe('facestyle CLI against a running stack', () => {
  it('health and queues (table and --json)', async () => {
    const health = await cli(['health']);
    expect(health.stdout).toMatch(/redis\s+up/);
    expect(health.code).toBe(0);
    const queues = await cli(['queues', '--json']);
    expect(queues.code).toBe(0);
    const body = JSON.parse(queues.stdout) as { queues: Record<string, Record<string, number>> };
    expect(Object.keys(body.queues)).toEqual(expect.arrayContaining(['training', 'render']));
    expect(body.queues.render).toMatchObject({ waiting: expect.any(Number), active: expect.any(Number), completed: expect.any(Number) });
    const table = await cli(['queues']);
    expect(table.stdout).toMatch(/^QUEUE\s+WAITING/);
    expect(table.stdout).toMatch(/^render\s+\d/m);
  });

  it('uploads a folder of <identity>/<image> (packed as .tar.gz on the fly) and prints the summary with --json', async () => {
    const faces = makeFaces('faces-3x3', 3, 3);
    const upload = await cli(['datasets', 'upload', faces, '--name', 'att-3x3', '--json']);
    expect(upload.stderr).toBe(''); // --json without a terminal: nothing but the JSON
    expect(upload.code).toBe(0);
    const summary = JSON.parse(upload.stdout) as { id: string };
    expect(summary).toMatchObject({ id: expect.stringMatching(/^ds_/), name: 'att-3x3', identities: 3, images: 9, rejected: [] });

    const get = await cli(['datasets', 'get', summary.id, '--json']);
    expect(JSON.parse(get.stdout)).toEqual(summary);
    const list = await cli(['datasets', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${summary.id}\\s+att-3x3\\s+3\\s+9\\s+0`, 'm'));

    // Without --json: the summary for people, and plain progress lines (stderr is not a terminal).
    fs.writeFileSync(path.join(faces, 'notes.txt'), 'not an image');
    const human = await cli(['datasets', 'upload', faces]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^name\s+faces-3x3$/m);
    expect(human.stdout).toMatch(/^images\s+9$/m);
    expect(human.stdout).toMatch(/^rejected\s+1\n\s+rejected notes\.txt: /m);
    expect(human.stderr).toMatch(/^uploaded .*\(100%\)$/m);

    expect((await cli(['datasets', 'delete', summary.id])).stdout).toBe(`deleted dataset ${summary.id}\n`);
    const gone = await cli(['datasets', 'get', summary.id]);
    expect(gone.stderr).toBe(`error: dataset ${summary.id} not found\n`);
    expect(gone.code).toBe(5);
  });

  it("passes the API's validation message through verbatim, with exit code 2", async () => {
    const request = { datasetId: 'ds_AAAAAAAAAAAAAAAAAAAA', steps: 0 };
    const direct = await http<{ message: string }>(`${stack.baseUrl}/v1/training-runs`, { method: 'POST', json: request });
    expect(direct.status).toBe(400);
    const submit = await cli(['runs', 'submit', '--dataset', request.datasetId, '--steps', '0']);
    expect(submit.stderr).toBe(`error: ${direct.body.message}\n`);
    expect(submit.code).toBe(2);
    const missing = await cli(['runs', 'get', 'run_AAAAAAAAAAAAAAAAAAAA']);
    expect(missing.stderr).toMatch(/not found/);
    expect(missing.code).toBe(5);
  });

  it('exits 4 when the API refuses the key, before uploading anything, and works with the right key', async () => {
    const url = authStack.baseUrl;
    const wrong = await runCli(['queues'], { url, apiKey: 'wrong-key-0123456789abcdef' });
    expect(wrong.stderr).toMatch(/^error: missing or invalid API key: send Authorization: Bearer <key>\nSet FACESTYLE_API_KEY or pass --api-key/);
    expect(wrong.code).toBe(4);
    const upload = await runCli(['datasets', 'upload', makeFaces('faces-auth', 2, 2)], { url });
    expect(upload.code).toBe(4);
    expect((await runCli(['queues', '--json'], { url, apiKey: API_KEY })).code).toBe(0);
    expect((await runCli(['datasets', 'list', '--api-key', API_KEY], { url, apiKey: 'overridden-by-the-flag' })).code).toBe(0);
  });

  it('renders watch follows a render to its end (exit 0); --json prints one event per line', async () => {
    const submit = await cli(['renders', 'submit', '--content', contentImage, '--style', styleImage, '--size', '32', '--iterations', '3', '--json']);
    expect(submit.code).toBe(0);
    const { id } = JSON.parse(submit.stdout) as { id: string };
    const watch = await cli(['renders', 'watch', id, '--json'], { timeoutMs: 90_000 });
    expect(watch.code).toBe(0);
    const events = jsonLines(watch.stdout);
    expect(events[0].event).toBe('snapshot');
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { id, status: 'completed', iteration: 3, iterations: 3 } });
    expect(events.some((e) => e.event === 'update' && (e.data.progress as { iteration?: number } | undefined)?.iteration === 3)).toBe(true);

    const again = await cli(['renders', 'watch', id]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^iteration\s+3\/3$/m);
    const get = await cli(['renders', 'get', id, '-o', 'watched.png']);
    expect(get.code).toBe(0);
    expect(pngSize(path.join(workDir, 'watched.png'))[0]).toBe(32);
  });

  it('renders submit --wait -o out.png waits for a tiny render and saves the PNG', async () => {
    const out = path.join(workDir, 'out.png');
    const render = await cli(['renders', 'submit', '--content', contentImage, '--style', styleImage, '--size', '32', '--iterations', '3', '--seed', '1', '--wait', '-o', out], { timeoutMs: 90_000 });
    expect(render.stderr).toMatch(/render rnd_\w+: completed/);
    expect(render.code).toBe(0);
    expect(render.stdout).toMatch(/^status\s+completed$/m);
    expect(pngSize(out)[0]).toBe(32); // tubingen.jpg is landscape: the long side is the width
    const list = await cli(['renders', 'list', '--status', 'completed', '--json']);
    expect((JSON.parse(list.stdout) as { renders: unknown[] }).renders).toHaveLength(2);
  });

  it('runs submit -f + runs watch follow a tiny run to completion (exit 0); runs pull writes a loadable model', async () => {
    const upload = await cli(['datasets', 'upload', makeFaces('faces-6x4', 6, 4), '--json']);
    const datasetId = (JSON.parse(upload.stdout) as { id: string }).id;
    const options = path.join(workDir, 'run.yaml');
    fs.writeFileSync(options, 'model: { inputSize: 32, embeddingDim: 16 }\nsampler: { identitiesPerBatch: 4, imagesPerIdentity: 3 }\nvalidation: { identities: 2 }\nevalEvery: 2\ncheckpointEvery: 2\nseed: 5\nsteps: 500\n');
    const submit = await cli(['runs', 'submit', '--dataset', datasetId, '-f', options, '--steps', '3']);
    expect(submit.code).toBe(0);
    const runId = submit.stdout.trim();
    expect(runId).toMatch(/^run_\w{20}$/);
    trainedRunId = runId;

    const watch = await cli(['runs', 'watch', runId], { timeoutMs: 90_000 });
    expect(watch.stderr).toMatch(/evaluation at step 3: ROC AUC [\d.]+/);
    expect(watch.stdout).toMatch(/^status\s+completed$/m);
    expect(watch.stdout).toMatch(/^step\s+3\/3$/m);
    expect(watch.code).toBe(0);

    const pulled = await cli(['runs', 'pull', runId, 'model', '--json']);
    expect(pulled.code).toBe(0);
    expect(JSON.parse(pulled.stdout)).toMatchObject({ step: 3, files: [{ name: 'model.json' }, { name: 'weights.bin' }] });
    // What tf.loadLayersModel('file://…') does with tfjs-node: model.json, then the weight paths beside it.
    const tf = await import('@tensorflow/tfjs');
    await import('../../libs/core/src/ml/face/l2-normalization-layer');
    const { readFileIOHandler } = await import('../../libs/core/src/ml/style/read-file-io-handler');
    await tf.setBackend('cpu');
    const model = await tf.loadLayersModel(readFileIOHandler(async (file) => fs.readFileSync(path.join(workDir, 'model', file))));
    const embedding = tf.tidy(() => (model.predict(tf.zeros([1, 32, 32, 1])) as import('@tensorflow/tfjs').Tensor).arraySync() as number[][]);
    expect(embedding[0]).toHaveLength(16);
    model.dispose();
  });

  // Inference routes (DESIGN.md "Inference with a trained run" and "Galleries"): tested once the API serves them.
  it('verify compares two faces with a trained run', async (ctx) => {
    if (!trainedRunId || !(await routeExists(`/v1/training-runs/${trainedRunId}/verify`))) return ctx.skip();
    const verify = await cli(['verify', trainedRunId, face(1, 1), face(1, 2), '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ match: expect.any(Boolean), distance: expect.any(Number), threshold: expect.any(Number) });
    expect((await cli(['verify', trainedRunId, face(1, 1), face(2, 1)])).stdout).toMatch(/^(no )?match: distance [\d.e+-]+ [≤>] threshold/);
  });

  it('gallery create, enrol and identify', async (ctx) => {
    if (!trainedRunId || !(await routeExists('/v1/galleries'))) return ctx.skip();
    const create = await cli(['gallery', 'create', '--name', 'cli', '--run', trainedRunId, '--json']);
    expect(create.code).toBe(0);
    const galleryId = (JSON.parse(create.stdout) as { id: string }).id;
    for (const identity of [1, 2, 3]) expect((await cli(['gallery', 'enrol', galleryId, `s${identity}`, face(identity, 1)])).code).toBe(0);
    const identify = await cli(['gallery', 'identify', galleryId, face(2, 5), '--k', '2', '--json']);
    expect(identify.code).toBe(0);
    const answer = JSON.parse(identify.stdout) as { identity: string | null; matches: { identity: string; distance: number }[] };
    expect(answer.matches).toHaveLength(2);
    expect(answer.identity === null || ['s1', 's2', 's3'].includes(answer.identity)).toBe(true);
  });
});
