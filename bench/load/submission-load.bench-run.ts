/**
 * Load: submissions at a fixed rate for a fixed time with workers running; latency percentiles,
 * throughput, and an account of every accepted job (completed + failed + active + waiting +
 * delayed = accepted). LOAD_RATE (default 50/s) and LOAD_SECONDS (default 60).
 */
import { expect, it } from 'vitest';
import { http, pollUntil, startTestStack } from '../../test/support/test-stack';
import { percentile, writeBenchResult } from '../support/bench-results';

const RATE = Number(process.env.LOAD_RATE ?? 50);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);

it('submission load', async () => {
  const stack = await startTestStack({ workers: 2, env: { WORKER_CONCURRENCY: '4', FACESTYLE_KEEP_FINISHED_JOBS: '1000000' } });
  try {
    const latencies: number[] = [];
    const statuses: Record<number, number> = {};
    const accepted: string[] = [];
    const inflight: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      // Open-loop: requests start on schedule whatever the previous ones are doing.
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(
        (async () => {
          const t0 = performance.now();
          const r = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: `load ${i}` } });
          latencies.push(performance.now() - t0);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          if (r.status === 202) accepted.push(r.body.id);
        })(),
      );
    }
    await Promise.all(inflight);
    const wall = (performance.now() - started) / 1000;
    const counts = (await http<{ queues: { diagnostics: Record<string, number> } }>(`${stack.baseUrl}/v1/queues`)).body.queues.diagnostics;
    const accounted = counts.completed + counts.failed + counts.active + counts.waiting + counts.delayed + counts.prioritized;
    expect(accounted).toBe(accepted.length);
    const drained = await pollUntil(() => http<{ queues: { diagnostics: Record<string, number> } }>(`${stack.baseUrl}/v1/queues`), (r) => r.body.queues.diagnostics.completed + r.body.queues.diagnostics.failed === accepted.length, 300_000, 500);
    writeBenchResult('submission-load', {
      rate: RATE,
      seconds: SECONDS,
      requests: RATE * SECONDS,
      statuses,
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: Math.max(...latencies) },
      throughputPerSecond: Math.round((RATE * SECONDS) / wall),
      accounting: { accepted: accepted.length, atEnd: counts, accountedAtEnd: accounted, completedAfterDrain: drained.body.queues.diagnostics.completed, failedAfterDrain: drained.body.queues.diagnostics.failed },
    });
  } finally {
    await stack.stop();
  }
});
