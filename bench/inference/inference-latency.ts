/**
 * Inference latency through the HTTP API on this machine's CPU: p50/p99 of
 * `POST /v1/training-runs/:id/verify` and of `POST /v1/galleries/:id/identify` with a gallery of
 * 1,000 enrolled identities. The API runs in this process on the backend `FACESTYLE_TF_BACKEND`
 * picks (default `auto`: native TensorFlow if installed, else wasm); requests are sequential,
 * so each latency is one request alone: multipart parse, image check, preprocessing, forward
 * pass, distances.
 *
 * The checkpoint is the product's default model (64×64 grey input, 64-d embedding) after two
 * training steps on AT&T: latency does not depend on how well it was trained. It is written to
 * storage with a run record, as the worker would, so no worker is needed.
 *
 * Environment (optional): INFERENCE_BENCH_REQUESTS (default 200 per route),
 * INFERENCE_BENCH_IDENTITIES (default 1000), FACESTYLE_TF_BACKEND, REDIS_URL, FACESTYLE_SHARED_DIR.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  BackendPreference,
  CHECKPOINT_FILE_NAMES,
  EmbeddingTrainer,
  encodeCheckpoint,
  newResourceId,
  ObjectStore,
  objectKey,
  parseTrainingRunOptions,
  resolveTrainingConfig,
  startBackend,
} from '@facestyle/core';
import { ResourceRecordStore } from '@facestyle/infra';
import { OBJECT_STORE, RECORDS } from '../../apps/api/src/infrastructure/tokens';
import { loadAttFaces } from '../../libs/core/src/ml/face/testing/shared-data';
import { attFacesDir } from '../../libs/core/src/testing/shared-data';
import { http, startTestStack } from '../../test/support/test-stack';
import { percentile, pool } from '../support/bench-results';

const env = process.env;

function attFace(subject: number, image: number): Buffer {
  return fs.readFileSync(path.join(attFacesDir(), `s${subject}`, `${image}.png`));
}

function form(fields: Record<string, Buffer>): FormData {
  const data = new FormData();
  for (const [name, bytes] of Object.entries(fields)) data.append(name, new Blob([bytes]), `${name}.png`);
  return data;
}

/** Milliseconds of one request; fails the bench on anything but the expected status. */
async function timed(url: string, body: FormData, expected: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', body });
  const text = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== expected) throw new Error(`${url}: ${response.status} ${text.slice(0, 300)}`);
  return elapsed;
}

/** Trains the default model for two steps and stores it as run `id`'s best checkpoint, with its record. */
async function storeCheckpoint(store: ObjectStore, records: ResourceRecordStore): Promise<string> {
  const options = parseTrainingRunOptions({ steps: 2, evalEvery: 2, checkpointEvery: 2, validation: { identities: ['s9', 's10'] } });
  const config = resolveTrainingConfig(options);
  const trainer = EmbeddingTrainer.create(config, {
    train: await loadAttFaces(config.preprocessing, 1, 8),
    validation: await loadAttFaces(config.preprocessing, 9, 10),
  });
  const result = await trainer.run();
  trainer.dispose();
  const checkpoint = result.checkpoint!;
  const id = newResourceId('run');
  const files = encodeCheckpoint(checkpoint);
  for (const name of CHECKPOINT_FILE_NAMES) await store.put(objectKey('runs', id, 'checkpoints', checkpoint.step, name), files[name]);
  const createdAt = new Date().toISOString();
  const entry = { step: checkpoint.step, createdAt, rocAuc: checkpoint.evaluations.at(-1)?.metrics.rocAuc ?? null, threshold: checkpoint.threshold };
  await store.put(objectKey('runs', id, 'checkpoints', 'best.json'), Buffer.from(JSON.stringify(entry)));
  await records.create({
    id,
    tenant: 'default',
    kind: 'training-run',
    status: 'completed',
    createdAt,
    input: { datasetId: 'ds_benchAAAAAAAAAAAAAAAA', options },
    progress: { step: checkpoint.step, steps: checkpoint.step, bestStep: checkpoint.step, checkpoints: [{ step: checkpoint.step, createdAt }] },
  });
  return id;
}

export async function runInferenceBench(): Promise<Record<string, number>> {
  const requests = Number(env.INFERENCE_BENCH_REQUESTS ?? 200);
  const identities = Number(env.INFERENCE_BENCH_IDENTITIES ?? 1000);
  const backend = (env.FACESTYLE_TF_BACKEND ?? 'auto') as BackendPreference;
  await startBackend(backend);
  const stack = await startTestStack({ workers: 0, env: { FACESTYLE_TF_BACKEND: backend } });
  try {
    const store = stack.app.get<ObjectStore>(OBJECT_STORE);
    const records = stack.app.get<ResourceRecordStore>(RECORDS);
    const runId = await storeCheckpoint(store, records);
    const base = stack.baseUrl;

    // Random but repeatable AT&T images: subject 1..40, image 1..10.
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const randomFace = () => attFace(1 + Math.floor(next() * 40), 1 + Math.floor(next() * 10));

    // Verify (the first call loads the model: a warm-up, not measured).
    await timed(`${base}/v1/training-runs/${runId}/verify`, form({ imageA: randomFace(), imageB: randomFace() }), 200);
    const verify: number[] = [];
    for (let i = 0; i < requests; i++) verify.push(await timed(`${base}/v1/training-runs/${runId}/verify`, form({ imageA: randomFace(), imageB: randomFace() }), 200));

    // A gallery of `identities` people, one image each (AT&T has 400 images: they repeat across people).
    const created = await http<{ id: string }>(`${base}/v1/galleries`, { method: 'POST', json: { name: 'bench', runId } });
    const galleryId = created.body.id;
    const enrol: number[] = [];
    const enrolStarted = performance.now();
    await pool([...Array(identities).keys()], 4, async (i) => {
      const image = attFace((i % 40) + 1, (Math.floor(i / 40) % 10) + 1);
      enrol.push(await timed(`${base}/v1/galleries/${galleryId}/identities/person-${String(i).padStart(4, '0')}/images`, form({ image }), 201));
    });
    const enrolSeconds = (performance.now() - enrolStarted) / 1000;

    // The first identify after enrolment reads the gallery's embeddings from storage.
    const identifyCold = await timed(`${base}/v1/galleries/${galleryId}/identify?k=5`, form({ image: randomFace() }), 200);
    const tensorsBefore = tf.memory().numTensors;
    const identify: number[] = [];
    for (let i = 0; i < requests; i++) identify.push(await timed(`${base}/v1/galleries/${galleryId}/identify?k=5`, form({ image: randomFace() }), 200));
    const tensorsAfter = tf.memory().numTensors;

    const round = (ms: number) => Math.round(ms * 10) / 10;
    return {
      verifyP50Ms: round(percentile(verify, 50)),
      verifyP99Ms: round(percentile(verify, 99)),
      identifyP50Ms: round(percentile(identify, 50)),
      identifyP99Ms: round(percentile(identify, 99)),
      identifyColdMs: round(identifyCold),
      enrolP50Ms: round(percentile(enrol, 50)),
      enrolP99Ms: round(percentile(enrol, 99)),
      enrolPerSecond: Math.round(identities / enrolSeconds),
      galleryIdentities: identities,
      requestsPerRoute: requests,
      tensorsLeaked: tensorsAfter - tensorsBefore,
      loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
      cpus: os.cpus().length,
    };
  } finally {
    await stack.stop();
  }
}
