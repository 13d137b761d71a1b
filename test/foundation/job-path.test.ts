import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ workers: 2 });
}, 120_000);
afterAll(() => stack.stop());

type EchoRecord = { status: string; result?: { key: string }; attempts: number; error?: string };

describe('a job through API, Redis, two worker processes and storage', () => {
  it('runs every accepted job exactly once, shared by both workers', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { status, body } = await http<{ id: string; status: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, {
        method: 'POST',
        json: { message: `hello ${i}`, holdMs: 300 },
      });
      expect(status).toBe(202);
      expect(body.status).toBe('queued');
      ids.push(body.id);
    }
    const records = await Promise.all(
      ids.map((id) => pollUntil(() => http<EchoRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${id}`), (r) => r.body.status === 'completed', 60_000)),
    );
    const pids = new Set<number>();
    for (const [i, { body }] of records.entries()) {
      expect(body.attempts).toBe(1);
      const stored = JSON.parse(fs.readFileSync(path.join(stack.storageDir, ...body.result!.key.split('/')), 'utf8'));
      expect(stored).toMatchObject({ id: ids[i], message: `hello ${i}`, attempt: 1 });
      pids.add(stored.pid);
    }
    // Each worker runs its jobs in sandboxed children; with two workers and 300 ms jobs, more than one process works.
    expect(pids.size).toBeGreaterThan(1);
    const counts = await http<{ queues: { diagnostics: Record<string, number> } }>(`${stack.baseUrl}/v1/queues`);
    expect(counts.body.queues.diagnostics).toMatchObject({ completed: 12, failed: 0, active: 0, waiting: 0 });
  });

  it('cancels a waiting job at once and a running one within its next check', async () => {
    const running = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'long', holdMs: 20_000 } });
    await pollUntil(() => http<EchoRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${running.body.id}`), (r) => r.body.status === 'running', 20_000);
    const cancel = await http<EchoRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${running.body.id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(200);
    const done = await pollUntil(() => http<EchoRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${running.body.id}`), (r) => r.body.status === 'cancelled', 5_000);
    expect(done.body.status).toBe('cancelled');
  });

  it('exports worker metrics on METRICS_PORT', async () => {
    const port = /metrics on :(\d+)/.exec(stack.workers[0].output())![1];
    const { body } = await http<string>(`http://127.0.0.1:${port}/metrics`);
    expect(body).toMatch(/facestyle_worker_up\{[^}]*\} 1/);
    expect(body).toMatch(/facestyle_tf_backend_info\{[^}]*backend="cpu"/);
    expect(body).toMatch(/facestyle_jobs_finished_total\{[^}]*outcome="completed"[^}]*\} \d+/);
  });
});
