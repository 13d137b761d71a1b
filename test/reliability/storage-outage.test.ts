import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, S3TestServer } from '../../libs/infra/src/testing/s3-test-server';
import { startTcpProxy, TcpProxy } from '../../libs/infra/src/testing/tcp-proxy';
import { S3ObjectStore } from '../../libs/infra/src/storage/s3-object-store';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';

// Fault 5: the object store is unavailable for a while, then slow. Jobs retry with backoff and
// complete; nothing half-written; /health reports the outage.
const OUTAGE_MS = Number(process.env.FACESTYLE_TEST_STORAGE_OUTAGE_MS ?? 12_000);
let s3: S3TestServer;
let proxy: TcpProxy;
let stack: TestStack;
beforeAll(async () => {
  s3 = await startS3Server();
  proxy = await startTcpProxy(s3.port);
  stack = await startTestStack({
    workers: 1,
    env: { STORAGE_DRIVER: 's3', S3_ENDPOINT: `http://127.0.0.1:${proxy.port}`, S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER', S3_BUCKET: 'outage-test' },
  });
  await pollUntil(() => http(`${stack.baseUrl}/health`), (r) => r.status === 200, 30_000);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await proxy?.close();
  await s3?.stop();
});

type JobRecord = { status: string; attempts: number; result?: { key: string }; error?: string };

describe('object store outage and latency', () => {
  it('keeps accepted jobs through an outage: /health says so, jobs complete after it', async () => {
    await proxy.goDown();
    const health = await http(`${stack.baseUrl}/health`);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ storage: 'down', redis: 'up' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: `during outage ${i}` } });
      expect(r.status).toBe(202);
      ids.push(r.body.id);
    }
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    // Still waiting on storage, not failed.
    for (const id of ids) expect((await http<JobRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${id}`)).body.status).not.toBe('failed');
    await proxy.goUp();
    const store = new S3ObjectStore({ ...s3.credentials, bucket: 'outage-test', region: 'us-east-1' });
    for (const [i, id] of ids.entries()) {
      const done = await pollUntil(() => http<JobRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${id}`), (r) => ['completed', 'failed'].includes(r.body.status), 60_000, 200);
      expect(done.body.error).toBeUndefined();
      expect(done.body).toMatchObject({ status: 'completed', attempts: 1 });
      expect(JSON.parse((await store.get(done.body.result!.key)).toString())).toMatchObject({ message: `during outage ${i}` });
    }
    expect((await http(`${stack.baseUrl}/health`)).status).toBe(200);
  });

  it('completes jobs through a slow store', async () => {
    proxy.setLatency(300);
    try {
      const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'slow' } });
      const done = await pollUntil(() => http<JobRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${body.id}`), (r) => ['completed', 'failed'].includes(r.body.status), 60_000, 200);
      expect(done.body.status).toBe('completed');
    } finally {
      proxy.setLatency(0);
    }
  });
});
