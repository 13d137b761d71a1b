/**
 * Queue overhead: enqueue → start latency with an idle worker, and API submissions per second
 * against plain BullMQ `Queue.add` in the same run (same payload size, same concurrency).
 * Target: enqueue → start p50 ≤ 20 ms.
 */
import { Queue } from 'bullmq';
import { expect, it } from 'vitest';
import { http, pollUntil, startTestStack } from '../../test/support/test-stack';
import { percentile, pool, writeBenchResult } from '../support/bench-results';

it('queue overhead', async () => {
  const stack = await startTestStack({ workers: 1 });
  try {
    const queue = new Queue('diagnostics', { connection: stack.redis, prefix: stack.prefix });
    // 1. enqueue → start, one job at a time so the worker is idle when each arrives.
    const latencies: number[] = [];
    for (let i = 0; i < 100; i++) {
      const { body } = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: `latency ${i}` } });
      await pollUntil(() => http<{ status: string }>(`${stack.baseUrl}/v1/diagnostics/echo/${body.id}`), (r) => r.body.status === 'completed', 30_000, 5);
      const job = await queue.getJob(body.id);
      latencies.push(job!.processedOn! - job!.timestamp);
    }
    // 2. submissions per second: API vs Queue.add, workers stopped so only enqueueing is measured.
    await Promise.all(stack.workers.map((w) => w.stop('SIGTERM')));
    const N = 1000;
    const CONCURRENCY = 16;
    const message = 'x'.repeat(200);
    let started = performance.now();
    await pool([...Array(N).keys()], CONCURRENCY, async () => {
      const r = await http(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message } });
      expect(r.status).toBe(202);
    });
    const apiSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    let n = 0;
    await pool([...Array(N).keys()], CONCURRENCY, async () => {
      await queue.add('diagnostics-echo', { tenant: 'default', id: `diag_bench${String(n++).padStart(16, '0')}`, message, holdMs: 0, crash: false });
    });
    const queueSeconds = (performance.now() - started) / 1000;
    await queue.close();
    const result = {
      enqueueToStartMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), samples: latencies.length },
      submissionsPerSecond: { api: Math.round(N / apiSeconds), bullmqQueueAdd: Math.round(N / queueSeconds), ratio: Number((queueSeconds / apiSeconds).toFixed(3)), concurrency: CONCURRENCY, jobs: N },
      target: { enqueueToStartP50Ms: 20, met: percentile(latencies, 50) <= 20 },
    };
    writeBenchResult('queue-overhead', result);
  } finally {
    await stack.stop();
  }
});
