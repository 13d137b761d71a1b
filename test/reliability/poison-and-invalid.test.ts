import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ workers: 1 });
}, 120_000);
afterAll(() => stack.stop());

type JobRecord = { status: string; attempts: number; error?: string };

describe('poison jobs and invalid input (fault 6)', () => {
  it('fails a job that crashes its process every time after bounded attempts, with the reason, while other jobs flow', async () => {
    const poison = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'poison', crash: true } });
    const healthy = [];
    for (let i = 0; i < 5; i++) healthy.push((await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: `ok ${i}` } })).body.id);
    for (const id of healthy) {
      await pollUntil(() => http<JobRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${id}`), (r) => r.body.status === 'completed', 60_000);
    }
    // 3 attempts with exponential backoff (2 s, 4 s).
    const failed = await pollUntil(() => http<JobRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${poison.body.id}`), (r) => r.body.status === 'failed', 60_000, 200);
    expect(failed.body.attempts).toBe(3);
    expect(failed.body.error).toMatch(/exit code: 70/);
    // The worker survived its child's crashes.
    const after = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'still alive' } });
    await pollUntil(() => http<JobRecord>(`${stack.baseUrl}/v1/diagnostics/echo/${after.body.id}`), (r) => r.body.status === 'completed', 30_000);
  });

  it('fails invalid job input at once, without retries', async () => {
    const queue = new Queue('diagnostics', { connection: stack.redis, prefix: stack.prefix });
    const job = await queue.add('diagnostics-echo', { tenant: 'default', id: 'diag_aaaaaaaaaaaaaaaaaaaa', message: 42 }, { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
    const state = await pollUntil(async () => ({ state: await job.getState(), job: await queue.getJob(job.id!) }), (s) => s.state === 'failed', 30_000);
    expect(state.job!.attemptsMade).toBe(1);
    expect(state.job!.failedReason).toMatch(/invalid diagnostics-echo job input: message: Expected string/);
    await queue.close();
  });
});
