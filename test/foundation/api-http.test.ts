import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, pollUntil, startTestStack, TestStack } from '../support/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { FACESTYLE_JSON_LIMIT_BYTES: '4096' } });
});
afterAll(() => stack.stop());

describe('API over real HTTP (no auth)', () => {
  it('reports health of redis, storage and the TF.js backend', async () => {
    // The TF.js backend starts in the background; /health is 503 until it is up.
    const { status, body } = await pollUntil(() => http(`${stack.baseUrl}/health`), (r) => r.status === 200, 20_000);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', redis: 'up', storage: 'up', backend: 'up' });
    expect(body.backendName).toMatch(/^cpu/);
  });

  it('rejects unknown fields naming them, and stores nothing', async () => {
    const { status, body } = await http(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'x', sneaky: 1, __proto__x: 2 } });
    expect(status).toBe(400);
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('body.sneaky: unknown field') });
    const counts = await http<{ queues: Record<string, Record<string, number>> }>(`${stack.baseUrl}/v1/queues`);
    expect(counts.body.queues.diagnostics.waiting).toBe(0);
  });

  it('rejects wrong types naming the field', async () => {
    const { status, body } = await http(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 5 } });
    expect(status).toBe(400);
    expect(body.message).toMatch(/^body\.message: Expected string/);
  });

  it('refuses an oversized body with 413 and malformed JSON with 400', async () => {
    const big = await http(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'x'.repeat(10_000) } });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    const broken = await http(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', body: '{"message":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/invalid JSON/);
  });

  it('answers 404 in the error shape for unknown resources', async () => {
    const { status, body } = await http(`${stack.baseUrl}/v1/diagnostics/echo/diag_doesnotexist00000000`);
    expect(status).toBe(404);
    expect(body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('serves OpenAPI at /docs and Prometheus text at /metrics', async () => {
    const docs = await http<{ paths: Record<string, unknown> }>(`${stack.baseUrl}/docs/openapi.json`);
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/health', '/v1/queues', '/v1/diagnostics/echo']));
    const page = await http<string>(`${stack.baseUrl}/docs`);
    expect(page.body).toMatch(/swagger/i);
    const metrics = await http<string>(`${stack.baseUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/facestyle_http_request_duration_seconds_bucket\{[^}]*route="\/health"/);
    expect(metrics.body).toMatch(/facestyle_queue_jobs\{[^}]*queue="diagnostics"/);
  });

  it('sets security headers', async () => {
    const { headers } = await http(`${stack.baseUrl}/health`);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-powered-by')).toBeNull();
  });
});
