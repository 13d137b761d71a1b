import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, RunningProcess, startPrivateRedis, startProcess } from '../../libs/infra/src/testing/child-process';
import { API_MAIN, assertBuilt, http, pollUntil, WORKER_MAIN } from '../support/test-stack';

// Fault 4: Redis stops for ~10 s under a steady stream of submissions. While it is down the API
// answers 503 (never a 202 it cannot keep); API and worker recover without a restart; every job
// that got a 202 completes. Redis runs as in production: append-only file, fsync on every write.
const OUTAGE_MS = 10_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-redis-outage-'));
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let api: RunningProcess;
let worker: RunningProcess;
let baseUrl: string;
const redisArgs = ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, '--maxmemory-policy', 'noeviction'];

beforeAll(async () => {
  assertBuilt();
  redis = await startPrivateRedis(undefined, redisArgs);
  const port = await freePort();
  const env = { REDIS_URL: redis.url, PORT: String(port), STORAGE_DIR: path.join(dir, 'store'), FACESTYLE_TF_BACKEND: 'cpu', METRICS_PORT: '0' };
  api = startProcess(process.execPath, [API_MAIN], env);
  worker = startProcess(process.execPath, [WORKER_MAIN], env);
  await api.waitFor(/listening on/, 30_000);
  await worker.waitFor(/serving all queues/, 60_000);
  baseUrl = `http://127.0.0.1:${port}`;
}, 90_000);
afterAll(async () => {
  await api?.stop('SIGKILL');
  await worker?.stop('SIGKILL');
  await redis?.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Redis outage under a steady stream of submissions', () => {
  it('never answers 202 for a job it loses, and completes every accepted job after recovery', async () => {
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    let streaming = true;
    let sent = 0;
    const stream = (async () => {
      while (streaming) {
        const r = await http<{ id: string }>(`${baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: `m${sent++}` } }).catch(() => ({ status: 0, body: { id: '' } }));
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 202) accepted.push(r.body.id);
        else expect(r.status, 'only 202 or 503').toBe(503);
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    await new Promise((r) => setTimeout(r, 2_000));
    await redis.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    redis = await startPrivateRedis(redis.port, redisArgs);
    await new Promise((r) => setTimeout(r, 4_000));
    streaming = false;
    await stream;
    expect(statuses.get(503) ?? 0, 'refused while down').toBeGreaterThan(10);
    expect(accepted.length, 'accepted before and after').toBeGreaterThan(20);
    // Both processes are the same ones as before: recovered without a restart.
    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
    for (const id of accepted) {
      const done = await pollUntil(() => http<{ status: string }>(`${baseUrl}/v1/diagnostics/echo/${id}`), (r) => r.body.status === 'completed', 60_000, 100);
      expect(done.body.status).toBe('completed');
    }
  });
});
