import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestStack, TestStack } from '../support/test-stack';

const ACME = 'acme-key-0123456789abcdef';
const BETA = 'beta-key-0123456789abcdef';
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { FACESTYLE_API_KEYS: `acme:${ACME},beta:${BETA}` } });
});
afterAll(() => stack.stop());

const as = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API keys and tenants', () => {
  it('answers 401 without a key or with a wrong one', async () => {
    expect((await http(`${stack.baseUrl}/v1/queues`)).status).toBe(401);
    const wrong = await http(`${stack.baseUrl}/v1/queues`, { headers: as('acme-key-0123456789abcdeX') });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('keeps health and metrics public', async () => {
    expect((await http(`${stack.baseUrl}/metrics`)).status).toBe(200);
    expect([200, 503]).toContain((await http(`${stack.baseUrl}/health`)).status);
  });

  it("hides one tenant's jobs from another (404, not 403)", async () => {
    const created = await http<{ id: string }>(`${stack.baseUrl}/v1/diagnostics/echo`, { method: 'POST', json: { message: 'mine' }, headers: as(ACME) });
    expect(created.status).toBe(202);
    expect((await http(`${stack.baseUrl}/v1/diagnostics/echo/${created.body.id}`, { headers: as(ACME) })).status).toBe(200);
    expect((await http(`${stack.baseUrl}/v1/diagnostics/echo/${created.body.id}`, { headers: as(BETA) })).status).toBe(404);
    expect((await http(`${stack.baseUrl}/v1/diagnostics/echo/${created.body.id}/cancel`, { method: 'POST', headers: as(BETA) })).status).toBe(404);
  });
});

describe('rate limiting (Redis-backed, shared by API instances)', () => {
  it('answers 429 with Retry-After once a tenant exceeds its budget, across two API instances', async () => {
    const limited = await startTestStack({ env: { FACESTYLE_API_KEYS: `acme:${ACME},beta:${BETA}`, FACESTYLE_RATE_LIMIT_PER_MINUTE: '10' } });
    // A second API process on the same Redis prefix shares the counter.
    const { createApiApp } = await import('../../apps/api/src/bootstrap');
    const { loadConfig } = await import('@facestyle/core');
    const second = await createApiApp(loadConfig({ ...limited.env }), { logger: false });
    await second.listen(0, '127.0.0.1');
    const secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as { port: number }).port}`;
    try {
      // Stay inside one fixed window: start early in a minute.
      const secondOfMinute = new Date().getSeconds();
      if (secondOfMinute > 55) await new Promise((r) => setTimeout(r, (61 - secondOfMinute) * 1000));
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const url = i % 2 === 0 ? limited.baseUrl : secondUrl;
        statuses.push((await http(`${url}/v1/queues`, { headers: as(ACME) })).status);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
      const over = await http(`${secondUrl}/v1/queues`, { headers: as(ACME) });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(over.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      // Another tenant has its own budget.
      expect((await http(`${limited.baseUrl}/v1/queues`, { headers: as(BETA) })).status).toBe(200);
    } finally {
      await second.close();
      await limited.stop();
    }
  });
});
