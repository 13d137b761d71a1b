import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestStack, TestStack } from '../support/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ workers: 1 });
}, 120_000);
afterAll(() => stack.stop());

const echo = (body: unknown, key?: string) =>
  http<{ id: string; status: string; message?: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, {
    method: 'POST',
    json: body,
    headers: key ? { 'idempotency-key': key } : {},
  });

describe('Idempotency-Key', () => {
  it('creates one job for the same key sent twice and 50 times concurrently', async () => {
    const first = await echo({ message: 'once' }, 'key-sequential-0001');
    const second = await echo({ message: 'once' }, 'key-sequential-0001');
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);

    const responses = await Promise.all(Array.from({ length: 50 }, () => echo({ message: 'burst' }, 'key-concurrent-0001')));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    const counts = await http<{ queues: { diagnostics: Record<string, number> } }>(`${stack.baseUrl}/v1/queues`);
    const total = Object.values(counts.body.queues.diagnostics).reduce((a, b) => a + b, 0);
    expect(total).toBe(2);
  });

  it('refuses a key reused with a different body, and a malformed key', async () => {
    await echo({ message: 'a' }, 'key-mismatch-0001');
    const reused = await echo({ message: 'b' }, 'key-mismatch-0001');
    expect(reused.status).toBe(422);
    expect(reused.body.message).toMatch(/idempotency-key: already used with a different request body/);
    expect((await echo({ message: 'a' }, 'no spaces allowed')).status).toBe(400);
  });
});

describe('Server-Sent Events', () => {
  it('streams a snapshot, the updates and an end event for a job', async () => {
    const { body } = await echo({ message: 'watch me', holdMs: 500 });
    const response = await fetch(`${stack.baseUrl}/v1/diagnostics/echo/${body.id}/events`);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await response.text(); // the server closes the stream when the job ends
    const events = [...text.matchAll(/event: (\S+)\ndata: (.*)\n/g)].map((m) => ({ type: m[1], data: JSON.parse(m[2]) }));
    expect(events[0].type).toBe('snapshot');
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'completed' } });
    expect(events.some((e) => e.type === 'update' && e.data.status === 'running') || events[0].data.status === 'running').toBe(true);
  });
});
