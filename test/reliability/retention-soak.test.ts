import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, RunningProcess, startPrivateRedis, startProcess } from '../../libs/infra/src/testing/child-process';
import { API_MAIN, assertBuilt, http, pollUntil, WORKER_MAIN } from '../support/test-stack';

// Fault 9: thousands of small jobs; finished jobs and records are trimmed by count and age, so
// Redis memory returns to where it started. A private Redis keeps other tests out of the numbers.
const JOBS = Number(process.env.FACESTYLE_TEST_SOAK_JOBS ?? 2000);
const RETENTION_SECONDS = 4;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-soak-'));
let redisServer: Awaited<ReturnType<typeof startPrivateRedis>>;
let redis: Redis;
const processes: RunningProcess[] = [];
let baseUrl: string;

beforeAll(async () => {
  assertBuilt();
  redisServer = await startPrivateRedis(undefined, ['--maxmemory-policy', 'noeviction']);
  redis = new Redis(redisServer.url);
  const port = await freePort();
  const env = {
    REDIS_URL: redisServer.url,
    PORT: String(port),
    STORAGE_DIR: path.join(dir, 'store'),
    FACESTYLE_TF_BACKEND: 'cpu',
    METRICS_PORT: '0',
    FACESTYLE_KEEP_FINISHED_JOBS: '50',
    FACESTYLE_RECORD_RETENTION_SECONDS: String(RETENTION_SECONDS),
    WORKER_CONCURRENCY: '4',
  };
  processes.push(startProcess(process.execPath, [API_MAIN], env));
  processes.push(startProcess(process.execPath, [WORKER_MAIN], env));
  await processes[0].waitFor(/listening on/, 30_000);
  await processes[1].waitFor(/serving all queues/, 60_000);
  baseUrl = `http://127.0.0.1:${port}`;
}, 90_000);
afterAll(async () => {
  for (const p of processes) await p.stop('SIGKILL');
  redis?.disconnect();
  await redisServer?.stop('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

async function usedMemory(): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
}

async function submitAndDrain(count: number): Promise<void> {
  let last = '';
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) => http<{ id: string }>(`${baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: `soak ${i + j}` } })),
    );
    last = batch.at(-1)!.body.id;
  }
  await pollUntil(() => http<{ queues: { diagnostics: Record<string, number> } }>(`${baseUrl}/v1/queues`), (r) => r.body.queues.diagnostics.waiting + r.body.queues.diagnostics.active === 0, 300_000, 500);
  void last;
}

describe('retention under a soak of small jobs', () => {
  it(`keeps Redis memory flat over ${JOBS} jobs`, async () => {
    await submitAndDrain(200); // warm-up: connections, scripts, first keys
    await new Promise((r) => setTimeout(r, (RETENTION_SECONDS + 1) * 1000));
    const baseline = await usedMemory();
    await submitAndDrain(JOBS);
    const peak = await usedMemory();
    await new Promise((r) => setTimeout(r, (RETENTION_SECONDS + 1) * 1000));
    await submitAndDrain(1); // one more finished job prunes the index of the expired ones
    const after = await usedMemory();
    const counts = await http<{ queues: { diagnostics: Record<string, number> } }>(`${baseUrl}/v1/queues`);
    console.log(`soak: ${JOBS} jobs; used_memory baseline ${baseline}, peak ${peak}, after ${after}`);
    expect(counts.body.queues.diagnostics.completed).toBeLessThanOrEqual(50);
    const recordKeys = (await redis.keys('facestyle:rec:*')).length;
    expect(recordKeys).toBeLessThanOrEqual(5);
    expect(await redis.zcard('facestyle:idx:default:diagnostics')).toBeLessThanOrEqual(5);
    expect(after - baseline).toBeLessThan(1.5 * 1024 * 1024);
  });
});
