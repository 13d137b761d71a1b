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
