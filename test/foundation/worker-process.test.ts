import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, startProcess } from '../../libs/infra/src/testing/child-process';
import { startS3Server } from '../../libs/infra/src/testing/s3-test-server';
import { S3ObjectStore } from '../../libs/infra/src/storage/s3-object-store';
import { http, pollUntil, startTestStack, TestStack, WORKER_MAIN, assertBuilt } from '../support/test-stack';

const stacks: TestStack[] = [];
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.stop()));
});

describe('worker process', () => {
  it('refuses a Redis whose eviction policy could drop jobs, naming the fix', async () => {
    assertBuilt();
    const redis = await startPrivateRedis(undefined, ['--maxmemory-policy', 'allkeys-lru']);
    try {
      const worker = startProcess(process.execPath, [WORKER_MAIN], { REDIS_URL: redis.url, METRICS_PORT: '0', FACESTYLE_TF_BACKEND: 'cpu' });
      const code = await new Promise<number | null>((resolve) => worker.child.once('exit', resolve));
      expect(code).toBe(1);
      expect(worker.output()).toMatch(/maxmemory-policy is "allkeys-lru"; Facestyle needs "noeviction"/);
    } finally {
      await redis.stop('SIGKILL');
    }
  });

  it('exits on a bad configuration value with a message naming the variable', async () => {
    const worker = startProcess(process.execPath, [WORKER_MAIN], { WORKER_CONCURRENCY: 'many' });
    const code = await new Promise<number | null>((resolve) => worker.child.once('exit', resolve));
    expect(code).toBe(2);
    expect(worker.output()).toMatch(/invalid configuration: WORKER_CONCURRENCY: expected an integer/);
  });

  it('on SIGTERM stops taking jobs, finishes the running one and exits', async () => {
    const stack = await startTestStack({ workers: 1 });
    stacks.push(stack);
    const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'in flight', holdMs: 1500 } });
    await pollUntil(() => http<{ status: string }>(`${stack.baseUrl}/v1/diagnostics/echo/${body.id}`), (r) => r.body.status === 'running', 20_000);
    const queued = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'after shutdown' } });
    const code = await stack.workers[0].stop('SIGTERM');
    expect(code).toBe(0);
    expect((await http<{ status: string }>(`${stack.baseUrl}/v1/diagnostics/echo/${body.id}`)).body.status).toBe('completed');
    expect((await http<{ status: string }>(`${stack.baseUrl}/v1/diagnostics/echo/${queued.body.id}`)).body.status).toBe('queued');
    // Another worker picks up what the stopped one left.
    await stack.startWorker();
    await pollUntil(() => http<{ status: string }>(`${stack.baseUrl}/v1/diagnostics/echo/${queued.body.id}`), (r) => r.body.status === 'completed', 30_000);
  });

  it('writes job output through the s3 driver to an S3-protocol server', async () => {
    const s3 = await startS3Server();
    try {
      const env = { STORAGE_DRIVER: 's3', S3_ENDPOINT: s3.credentials.endpoint, S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER', S3_BUCKET: 'facestyle-test' };
      const stack = await startTestStack({ workers: 1, env });
      stacks.push(stack);
      const health = await pollUntil(() => http(`${stack.baseUrl}/health`), (r) => r.status === 200, 20_000);
      expect(health.body).toMatchObject({ storage: 'up' });
      const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'to s3' } });
      const done = await pollUntil(() => http<{ status: string; result: { key: string } }>(`${stack.baseUrl}/v1/diagnostics/echo/${body.id}`), (r) => r.body.status === 'completed', 30_000);
      const store = new S3ObjectStore({ ...s3.credentials, bucket: 'facestyle-test', region: 'us-east-1' });
      expect(JSON.parse((await store.get(done.body.result.key)).toString())).toMatchObject({ message: 'to s3' });
      await s3.stop();
      const down = await http(`${stack.baseUrl}/health`);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ storage: 'down', redis: 'up' });
    } finally {
      await s3.stop().catch(() => undefined);
    }
  });
});
