import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, RunningProcess, startPrivateRedis, startProcess } from '../../libs/infra/src/testing/child-process';
import { API_MAIN, assertBuilt, http, pollUntil } from '../support/test-stack';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Uses a private redis-server (never the shared one) so it can be killed.
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let api: RunningProcess;
let baseUrl: string;
const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-outage-'));

beforeAll(async () => {
  assertBuilt();
  redis = await startPrivateRedis();
  const port = await freePort();
  api = startProcess(process.execPath, [API_MAIN], { REDIS_URL: redis.url, PORT: String(port), STORAGE_DIR: storageDir, FACESTYLE_TF_BACKEND: 'cpu' });
  await api.waitFor(/listening on/, 30_000);
  baseUrl = `http://127.0.0.1:${port}`;
  await pollUntil(() => http(`${baseUrl}/health`), (r) => r.status === 200, 30_000);
}, 60_000);
afterAll(async () => {
  await api?.stop('SIGKILL');
  await redis?.stop('SIGKILL');
  fs.rmSync(storageDir, { recursive: true, force: true });
});

describe('Redis outage', () => {
  it('makes /health answer 503 within a second, refuses submissions with 503, and recovers without a restart', async () => {
    await redis.stop('SIGKILL');
    const started = Date.now();
    const health = await http(`${baseUrl}/health`);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', redis: 'down', storage: 'up' });

    const submit = await http(`${baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'during outage' } });
    expect(submit.status).toBe(503);
    expect(submit.headers.get('retry-after')).toBe('5');

    redis = await startPrivateRedis(redis.port);
    const recovered = await pollUntil(() => http(`${baseUrl}/health`), (r) => r.status === 200, 15_000);
    expect(recovered.body).toMatchObject({ redis: 'up' });
    expect((await http(`${baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'after' } })).status).toBe(202);
  });
});
