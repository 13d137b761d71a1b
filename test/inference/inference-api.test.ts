/**
 * Inference and galleries through the real stack on a tiny run (a few steps: the numbers are not
 * the point here, the contract is): request checks, tenant isolation, thresholds, galleries that
 * outlive the API process, re-embedding, and no tensors left behind in the API process.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@facestyle/core';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { uploadAttDataset } from '../support/datasets';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';
import { attArchive, attFace, faceForm, postForm, TrainedRun, trainRun } from './inference-fixtures';

const ACME = { authorization: 'Bearer acme-key-0123456789abcdef' };
const BETA = { authorization: 'Bearer beta-key-0123456789abcdef' };

let stack: TestStack;
let datasetId: string;
let run: TrainedRun;
const url = (p: string) => `${stack.baseUrl}${p}`;

beforeAll(async () => {
  stack = await startTestStack({
    workers: 1,
    env: { FACESTYLE_TF_BACKEND: 'wasm', FACESTYLE_API_KEYS: 'acme:acme-key-0123456789abcdef,beta:beta-key-0123456789abcdef', FACESTYLE_RATE_LIMIT_PER_MINUTE: '0' },
  });
  datasetId = await uploadAttDataset(stack.baseUrl, 1, 8, ACME);
  // Every checkpoint evaluated, so retention keeps all three (it keeps the latest and the best by AUC).
  run = await trainRun(
    stack.baseUrl,
    { datasetId, steps: 6, model: { inputSize: 32, embeddingDim: 16 }, sampler: { identitiesPerBatch: 4, imagesPerIdentity: 3 }, validation: { identities: 2 }, evalEvery: 2, checkpointEvery: 2, seed: 5 },
    ACME,
  );
}, 240_000);
afterAll(() => stack?.stop());

type Verification = { match: boolean; distance: number; threshold: number; step: number; thresholdSource: string; heldOut?: { far: number; tar: number } };
type Identification = { identity: string | null; distance: number | null; threshold: number; step: number; matches: { identity: string; distance: number }[] };
type Gallery = { id: string; name: string; runId: string; step: number; stale: boolean; bestStep: number | null; identities: { identity: string; images: number }[] };

const verify = (pair: { imageA?: Buffer; imageB?: Buffer }, query = '', headers = ACME) =>
  postForm<Verification>(url(`/v1/training-runs/${run.id}/verify${query}`), faceForm(pair as Record<string, Buffer>), headers);
const createGallery = (body: unknown, headers = ACME) => http<Gallery & { message?: string }>(url('/v1/galleries'), { method: 'POST', json: body, headers });
const enrol = (galleryId: string, identity: string, images: Buffer | Buffer[], headers = ACME) =>
  postForm<{ images: number; enrolled: unknown[] }>(url(`/v1/galleries/${galleryId}/identities/${encodeURIComponent(identity)}/images`), faceForm({ image: images }), headers);
const identify = (galleryId: string, image: Buffer, query = '', headers = ACME) => postForm<Identification>(url(`/v1/galleries/${galleryId}/identify${query}`), faceForm({ image }), headers);
const getGallery = (galleryId: string, headers = ACME, base = stack.baseUrl) => http<Gallery & { message?: string }>(`${base}/v1/galleries/${galleryId}`, { headers });

describe('verify and embed', () => {
  it('embeds with the best checkpoint by default, as a unit vector, with the preprocessing of training', async () => {
    const { status, body } = await postForm<{ embedding: number[]; step: number; preprocessing: unknown }>(url(`/v1/training-runs/${run.id}/embed`), faceForm({ image: attFace(1, 1) }), ACME);
    expect(status).toBe(200);
    expect(body.step).toBe(run.bestStep);
    expect(body.embedding).toHaveLength(16);
    expect(Math.hypot(...body.embedding)).toBeCloseTo(1, 4);
    expect(body.preprocessing).toEqual({ inputSize: 32, channels: 1, normalization: 'per-image-standardization' });
    const again = await postForm<{ embedding: number[] }>(url(`/v1/training-runs/${run.id}/embed?step=latest`), faceForm({ image: attFace(1, 1) }), ACME);
    expect(again.body.embedding).toHaveLength(16);
  });

  it("answers with the checkpoint's stored threshold, and an image against itself is a match", async () => {
    const { status, body } = await verify({ imageA: attFace(2, 3), imageB: attFace(2, 3) });
    expect(status).toBe(200);
    const evaluation = run.evaluations.find((e) => e.step === run.bestStep)!;
    expect(body).toMatchObject({ match: true, step: run.bestStep, threshold: evaluation.threshold, thresholdSource: 'checkpoint' });
    expect(body.distance).toBeLessThan(1e-3);
    const other = await verify({ imageA: attFace(2, 3), imageB: attFace(5, 1) }, `?step=${run.checkpoints[0]}`);
    expect(other.body.step).toBe(run.checkpoints[0]);
    expect(other.body.distance).toBeGreaterThan(0);
  });

  it('measures the held-out ROC with the preprocessing of training: its AUC is the worker\'s evaluation', async () => {
    const { status, body } = await http<{ step: number; rocAuc: number; eerThreshold: number; samePairs: number; differentPairs: number; points: { threshold: number; far: number; tar: number }[] }>(
      url(`/v1/training-runs/${run.id}/roc`),
      { headers: ACME },
    );
    expect(status).toBe(200);
    const evaluation = run.evaluations.find((e) => e.step === run.bestStep)!;
    // Same weights, images, preprocessing and backend as the worker's held-out evaluation.
    expect(body.rocAuc).toBeCloseTo(evaluation.rocAuc, 3);
    expect(body.eerThreshold).toBeCloseTo(evaluation.threshold, 3);
    expect(body).toMatchObject({ step: run.bestStep, samePairs: 90, differentPairs: 100 });
    expect(fs.existsSync(path.join(stack.storageDir, 'runs', run.id, 'checkpoints', String(run.bestStep), 'roc.json'))).toBe(true);
    const fars = body.points.map((p) => p.far);
    expect(fars).toEqual([...fars].sort((a, b) => a - b));
  });

  it('?far= picks the threshold on the held-out ROC: a lower false-accept rate, a lower threshold', async () => {
    const pair = { imageA: attFace(3, 1), imageB: attFace(3, 2) };
    const strict = await verify(pair, '?far=0');
    const loose = await verify(pair, '?far=0.5');
    expect(strict.status).toBe(200);
    expect(strict.body).toMatchObject({ thresholdSource: 'far', heldOut: { far: 0 } });
    expect(loose.body.heldOut!.far).toBeLessThanOrEqual(0.5);
    expect(strict.body.threshold).toBeLessThan(loose.body.threshold);
    expect(strict.body.distance).toBe(loose.body.distance);
  });

  it.each([
    ['a missing image', () => verify({ imageA: attFace(1, 1) }), 400, /^imageB: required/],
    ['text instead of an image', () => verify({ imageA: Buffer.from('not an image at all'), imageB: attFace(1, 1) }), 422, /^imageA: not a supported image/],
    ['a truncated PNG', () => verify({ imageA: attFace(1, 1), imageB: attFace(1, 2).subarray(0, 400) }), 422, /^imageB: /],
    ['an unknown file field', () => postForm(url(`/v1/training-runs/${run.id}/verify`), faceForm({ imageA: attFace(1, 1), imageB: attFace(1, 2), imageC: attFace(1, 3) }), ACME), 400, /^imageC: unknown file field/],
    ['a step that is not a number', () => verify({ imageA: attFace(1, 1), imageB: attFace(1, 2) }, '?step=first'), 400, /^query\.step: /],
    ['a checkpoint that does not exist', () => verify({ imageA: attFace(1, 1), imageB: attFace(1, 2) }, '?step=5'), 404, /^query\.step: .*no stored checkpoint at step 5/],
    ['a false-accept rate above 1', () => verify({ imageA: attFace(1, 1), imageB: attFace(1, 2) }, '?far=2'), 400, /^query\.far: /],
    ['JSON instead of a form', () => http(url(`/v1/training-runs/${run.id}/embed`), { method: 'POST', json: { image: 'x' }, headers: ACME }), 415, /^body: expected multipart\/form-data/],
    ['an embed without its image', () => postForm(url(`/v1/training-runs/${run.id}/embed`), faceForm({}), ACME), 400, /^image: required/],
  ])('refuses %s with a 4xx naming the field', async (_label, send, status, message) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.stringMatching(message) });
  });
});

describe('galleries', () => {
  it('enrols, lists, identifies, removes identities, and refuses bad names and images', async () => {
    const created = await createGallery({ name: 'staff', runId: run.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^gal_/), name: 'staff', runId: run.id, step: run.bestStep });
    const id = created.body.id;

    expect((await enrol(id, 's1', attFace(1, 1))).body).toMatchObject({ images: 1 });
    expect((await enrol(id, 's1', [attFace(1, 2), attFace(1, 3)])).body).toMatchObject({ images: 3 });
    expect((await enrol(id, 'Zoë O\'Neil (s2)', attFace(2, 1))).status).toBe(201);
    const listed = await http<{ identities: unknown[] }>(url(`/v1/galleries/${id}/identities`), { headers: ACME });
    expect(listed.body.identities).toEqual([{ identity: 's1', images: 3 }, { identity: "Zoë O'Neil (s2)", images: 1 }]);

    const exact = await identify(id, attFace(2, 1), '?k=1');
    expect(exact.status).toBe(200);
    expect(exact.body).toMatchObject({ identity: "Zoë O'Neil (s2)", step: run.bestStep });
    expect(exact.body.matches).toHaveLength(1);
    expect(exact.body.distance).toBeLessThan(1e-3);

    expect((await enrol(id, 'x'.repeat(129), attFace(3, 1))).body.message).toMatch(/^params\.identity: /);
    expect((await enrol(id, 'a/b', attFace(3, 1))).status).toBe(400);
    expect((await enrol(id, 'tab\there', attFace(3, 1))).status).toBe(400);
    const badImage = await enrol(id, 's3', [attFace(3, 1), Buffer.from('GIF89a broken')]);
    expect(badImage.status).toBe(422);
    expect(badImage.body.message).toMatch(/^image\[1\]: /);
    expect((await identify(id, Buffer.from([0xff, 0xd8, 0xff, 0x00]))).status).toBe(422);
    expect((await identify(id, attFace(1, 1), '?k=0')).body.message).toMatch(/^query\.k: /);
    // Nothing of the refused enrolment was stored.
    expect((await getGallery(id)).body.identities.map((i) => i.identity)).toEqual(['s1', "Zoë O'Neil (s2)"]);

    const removed = await http(url(`/v1/galleries/${id}/identities/${encodeURIComponent("Zoë O'Neil (s2)")}`), { method: 'DELETE', headers: ACME });
    expect(removed.status).toBe(204);
    expect((await getGallery(id)).body.identities).toEqual([{ identity: 's1', images: 3 }]);
    expect((await http(url(`/v1/galleries/${id}/identities/s2`), { method: 'DELETE', headers: ACME })).status).toBe(404);
    const alone = await identify(id, attFace(2, 1));
    expect(alone.body.matches.map((m) => m.identity)).toEqual(['s1']);

    expect((await http(url(`/v1/galleries/${id}`), { method: 'DELETE', headers: ACME })).status).toBe(204);
    expect((await getGallery(id)).status).toBe(404);
    const left = path.join(stack.storageDir, 'galleries', id);
    expect(fs.existsSync(left) ? fs.readdirSync(left, { recursive: true, withFileTypes: true }).filter((f) => f.isFile()) : []).toEqual([]);
  });

  it('flags a gallery whose checkpoint is not the best as stale, and re-embeds it onto the best', async () => {
    const other = run.checkpoints.find((s) => s !== run.bestStep)!;
    const { body: gallery } = await createGallery({ name: 'older', runId: run.id, step: other });
    await enrol(gallery.id, 's4', [attFace(4, 1), attFace(4, 2)]);
    await enrol(gallery.id, 's5', attFace(5, 1));
    expect((await getGallery(gallery.id)).body).toMatchObject({ step: other, bestStep: run.bestStep, stale: true });
    const before = await identify(gallery.id, attFace(4, 1));
    expect(before.body).toMatchObject({ identity: 's4', step: other });

    const reembedded = await http<Gallery>(url(`/v1/galleries/${gallery.id}/reembed`), { method: 'POST', json: {}, headers: ACME });
    expect(reembedded.status).toBe(200);
    expect(reembedded.body).toMatchObject({ step: run.bestStep, stale: false, identities: [{ identity: 's4', images: 2 }, { identity: 's5', images: 1 }] });
    const after = await identify(gallery.id, attFace(4, 1));
    expect(after.body).toMatchObject({ identity: 's4', step: run.bestStep });
    expect(after.body.distance).toBeLessThan(1e-3);
    // Only the new checkpoint's embeddings are left (embeddings/<identity>/<step>/<enrolment>.json).
    const embeddings = path.join(stack.storageDir, 'galleries', gallery.id, 'embeddings');
    const files = fs.readdirSync(embeddings, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files).toHaveLength(3);
    expect(new Set(files.map((f) => path.basename(f.parentPath)))).toEqual(new Set([String(run.bestStep)]));
    expect((await http(url(`/v1/galleries/${gallery.id}/reembed`), { method: 'POST', json: { step: 'first' }, headers: ACME })).status).toBe(400);
  });

  it('survives an API restart: a new API process on the same Redis and storage serves the same gallery', async () => {
    const { body: gallery } = await createGallery({ name: 'persistent', runId: run.id });
    await enrol(gallery.id, 's6', attFace(6, 1));
    await enrol(gallery.id, 's7', attFace(7, 1));
    const here = await identify(gallery.id, attFace(6, 5));

    let second: INestApplication | undefined;
    try {
      second = await createApiApp(loadConfig(stack.env), { logger: false });
      await second.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
      // A new API answers 503 until its Redis connection is up (and must not be closed before that).
      await pollUntil(() => http<{ redis: string }>(`${base}/health`), (r) => r.body.redis === 'up', 30_000, 50);
      const seen = await getGallery(gallery.id, ACME, base);
      expect(seen.body).toMatchObject({ name: 'persistent', step: gallery.step, identities: [{ identity: 's6', images: 1 }, { identity: 's7', images: 1 }] });
      const there = await postForm<Identification>(`${base}/v1/galleries/${gallery.id}/identify`, faceForm({ image: attFace(6, 5) }), ACME);
      expect(there.body.matches).toEqual(here.body.matches);
      const listed = await http<{ galleries: { id: string }[] }>(`${base}/v1/galleries`, { headers: ACME });
      expect(listed.body.galleries.map((g) => g.id)).toContain(gallery.id);
    } finally {
      await second?.close();
    }
  });
});

describe('tenants', () => {
  it("answers 404 to another tenant on every route of a run's inference and of a gallery", async () => {
    const { body: gallery } = await createGallery({ name: 'acme only', runId: run.id });
    await enrol(gallery.id, 's1', attFace(1, 1));
    const image = () => faceForm({ image: attFace(1, 1) });
    const attempts: [string, () => Promise<{ status: number; body: unknown }>][] = [
      ['verify', () => postForm(url(`/v1/training-runs/${run.id}/verify`), faceForm({ imageA: attFace(1, 1), imageB: attFace(1, 2) }), BETA)],
      ['embed', () => postForm(url(`/v1/training-runs/${run.id}/embed`), image(), BETA)],
      ['roc', () => http(url(`/v1/training-runs/${run.id}/roc`), { headers: BETA })],
      ['evaluate', () => http(url(`/v1/training-runs/${run.id}/evaluate?datasetId=${datasetId}`), { method: 'POST', headers: BETA })],
      ['create a gallery on the run', () => createGallery({ name: 'x', runId: run.id }, BETA)],
      ['get', () => getGallery(gallery.id, BETA)],
      ['identities', () => http(url(`/v1/galleries/${gallery.id}/identities`), { headers: BETA })],
      ['enrol', () => enrol(gallery.id, 's2', attFace(2, 1), BETA)],
      ['identify', () => identify(gallery.id, attFace(1, 1), '', BETA)],
      ['reembed', () => http(url(`/v1/galleries/${gallery.id}/reembed`), { method: 'POST', json: {}, headers: BETA })],
      ['delete an identity', () => http(url(`/v1/galleries/${gallery.id}/identities/s1`), { method: 'DELETE', headers: BETA })],
      ['delete', () => http(url(`/v1/galleries/${gallery.id}`), { method: 'DELETE', headers: BETA })],
    ];
    for (const [label, attempt] of attempts) {
      const response = await attempt();
      expect({ label, status: response.status }).toEqual({ label, status: 404 });
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
    expect((await postForm(url(`/v1/training-runs/${run.id}/embed`), image())).status).toBe(401);
    expect((await identify(gallery.id, attFace(1, 1), '', {} as typeof ACME)).status).toBe(401);
    const betaList = await http<{ galleries: unknown[] }>(url('/v1/galleries'), { headers: BETA });
    expect(betaList.body.galleries).toEqual([]);
    // Still intact for its owner.
    expect((await getGallery(gallery.id)).body.identities).toEqual([{ identity: 's1', images: 1 }]);
  });
});

describe('evaluation', () => {
  it('evaluates a checkpoint on a stored dataset and on an uploaded archive of unseen people', async () => {
    const stored = await http<{ images: number; identities: number; verification: { rocAuc: number; samePairs: number }; identification: { galleryIdentities: number; unknownIdentities: number; knownProbes: number; rank1Accuracy: number } }>(
      url(`/v1/training-runs/${run.id}/evaluate?datasetId=${datasetId}`),
      { method: 'POST', headers: ACME },
    );
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ images: 80, identities: 8, verification: { samePairs: 8 * 45 } });
    // 8 identities: a third (3) left out, 5 enrolled with one image and probed with their other 9.
    expect(stored.body.identification).toMatchObject({ galleryIdentities: 5, unknownIdentities: 3, knownProbes: 45, unknownProbes: 30 });

    const archive = await http<{ source: { archive: { rejected: unknown[] } }; images: number; verification: { rocAuc: number } }>(url(`/v1/training-runs/${run.id}/evaluate?seed=7`), {
      method: 'POST',
      body: await attArchive(31, 34),
      headers: { ...ACME, 'content-type': 'application/gzip' },
    });
    expect(archive.status).toBe(200);
    expect(archive.body).toMatchObject({ images: 40, source: { archive: { rejected: [] } } });
    expect(archive.body.verification.rocAuc).toBeGreaterThan(0);

    const nothing = await http<{ message: string }>(url(`/v1/training-runs/${run.id}/evaluate`), { method: 'POST', headers: ACME });
    expect(nothing.status).toBe(400);
    expect(nothing.body.message).toMatch(/^body: empty/);
    const garbage = await http<{ message: string }>(url(`/v1/training-runs/${run.id}/evaluate`), { method: 'POST', body: Buffer.from('hello'), headers: { ...ACME, 'content-type': 'application/zip' } });
    expect(garbage.status).toBe(400);
    const unknownDataset = await http<{ message: string }>(url(`/v1/training-runs/${run.id}/evaluate?datasetId=ds_AAAAAAAAAAAAAAAAAAAA`), { method: 'POST', headers: ACME });
    expect(unknownDataset.status).toBe(404);
    expect(unknownDataset.body.message).toMatch(/^query\.datasetId: /);
  });
});

describe('documentation', () => {
  it('lists every inference and gallery route in the OpenAPI document', async () => {
    const { body } = await http<{ paths: Record<string, Record<string, { summary?: string }>> }>(url('/docs/openapi.json'));
    const routes = Object.entries(body.paths).flatMap(([p, methods]) => Object.entries(methods).filter(([, op]) => op.summary).map(([m]) => `${m.toUpperCase()} ${p}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /v1/training-runs/{id}/verify',
        'POST /v1/training-runs/{id}/embed',
        'POST /v1/training-runs/{id}/evaluate',
        'GET /v1/training-runs/{id}/roc',
        'POST /v1/galleries',
        'GET /v1/galleries',
        'GET /v1/galleries/{id}',
        'DELETE /v1/galleries/{id}',
        'GET /v1/galleries/{id}/identities',
        'POST /v1/galleries/{id}/identities/{identity}/images',
        'DELETE /v1/galleries/{id}/identities/{identity}',
        'POST /v1/galleries/{id}/identify',
        'POST /v1/galleries/{id}/reembed',
      ]),
    );
  });
});

describe('tensor memory in the API process', () => {
  it('stays flat over repeated verify and identify calls', async () => {
    const { body: gallery } = await createGallery({ name: 'memory', runId: run.id });
    await enrol(gallery.id, 's8', attFace(8, 1));
    // Warm-up: loads the model (its weights stay cached) and the gallery's embeddings.
    await verify({ imageA: attFace(8, 2), imageB: attFace(8, 3) });
    await identify(gallery.id, attFace(8, 2));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 15; i++) expect((await verify({ imageA: attFace(8, 2 + (i % 5)), imageB: attFace(7, 1 + (i % 5)) })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await identify(gallery.id, attFace(8, 4 + i))).status).toBe(200);
    expect(tf.memory().numTensors).toBe(before);
  });
});
