import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '@facestyle/infra';
import { loadConfig } from '@facestyle/core';
import { startProcess } from '../../libs/infra/src/testing/child-process';
import { startS3Server, S3TestServer } from '../../libs/infra/src/testing/s3-test-server';
import { CheckpointStore } from '../../apps/worker/src/training/checkpoint-store';
import { assertBuilt } from '../support/test-stack';

// Fault 2: kill -9 at random moments while checkpoints are being written, many times. After every
// kill, `latest` must point at a complete checkpoint whose files match their SHA-256 in state.json.
const TRIALS = Number(process.env.FACESTYLE_TEST_CHECKPOINT_TRIALS ?? 25);
const WRITER = path.join(__dirname, 'fixtures/checkpoint-writer.cjs');
const dirs: string[] = [];
let s3: S3TestServer | undefined;
afterAll(async () => {
  await s3?.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function trials(env: Record<string, string>): Promise<number[]> {
  assertBuilt();
  const verifiedSteps: number[] = [];
  const store = new CheckpointStore(createObjectStore(loadConfig(env).storage), env.RUN_ID);
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let trial = 0; trial < TRIALS; trial++) {
    const writer = startProcess(process.execPath, [WRITER], env);
    await writer.waitFor(/saved \d+/, 60_000);
    // Random moment inside the next writes (each save takes a few ms to tens of ms).
    await new Promise((r) => setTimeout(r, random() * 120));
    await writer.stop('SIGKILL');
    const latest = await store.loadLatest(); // throws on a missing file or a hash mismatch
    expect(latest, `trial ${trial}`).toBeDefined();
    const lastPrinted = Math.max(...[...writer.output().matchAll(/saved (\d+)/g)].map((m) => Number(m[1])));
    // The newest complete checkpoint: the last save reported, the one after it (killed between its
    // pointer write and the print), or — when the kill tore that one — the one before.
    expect(latest!.step, `trial ${trial}`).toBeGreaterThanOrEqual(lastPrinted - 1);
    expect(latest!.step, `trial ${trial}`).toBeLessThanOrEqual(lastPrinted + 1);
    expect(new Float32Array(latest!.model.weightData)[0]).toBe(latest!.step);
    verifiedSteps.push(latest!.step);
  }
  return verifiedSteps;
}

describe('kill -9 during checkpoint writes', () => {
  it(`leaves latest at a complete, checksum-valid checkpoint (fs driver, ${TRIALS} trials)`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-ckpt-kill-'));
    dirs.push(dir);
    const steps = await trials({ STORAGE_DRIVER: 'fs', STORAGE_DIR: dir, RUN_ID: 'run_killtrialsfs00000000' });
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(new Set(steps).size).toBeGreaterThan(TRIALS / 2);
  });

  it(`leaves latest at a complete, checksum-valid checkpoint (s3 driver, ${Math.ceil(TRIALS / 2)} trials)`, async () => {
    s3 = await startS3Server();
    const env = {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: s3.credentials.endpoint,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      S3_BUCKET: 'kill-trials',
      RUN_ID: 'run_killtrialss300000000',
    };
    await createObjectStore(loadConfig(env).storage).ensureReady();
    process.env.FACESTYLE_TEST_CHECKPOINT_TRIALS = String(Math.ceil(TRIALS / 2));
    const steps = await trials(env);
    expect(steps.length).toBeGreaterThan(0);
  });
});
