import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, TestStack } from '../support/test-stack';

// Hostile JSON bodies (item 11): whatever is sent, the answer is a 4xx in the error shape, never a 5xx.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = ['0', '-1', '1e400', '-1e400', '1.5', '9007199254740993', 'true', 'false', 'null', '""', '"x"', '"\\u0000"', '"\\ud800"', '[]', '{}', '"ds_AAAAAAAAAAAAAAAAAAAA"', '"batch-hard"'];
const KEYS = ['steps', 'datasetId', 'model', 'loss', 'margin', 'mining', 'sampler', 'identitiesPerBatch', 'validation', 'identities', 'fraction', 'optimizer', 'learningRate', 'seed', 'priority', 'message', 'holdMs', '__proto__', 'constructor', 'prototype', 'x'.repeat(300)];

function randomJson(rand: () => number, depth: number): string {
  const r = rand();
  if (depth > 4 || r < 0.35) return ATOMS[Math.floor(rand() * ATOMS.length)];
  if (r < 0.5) return `[${Array.from({ length: Math.floor(rand() * 4) }, () => randomJson(rand, depth + 1)).join(',')}]`;
  const entries = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => `${JSON.stringify(KEYS[Math.floor(rand() * KEYS.length)])}:${randomJson(rand, depth + 1)}`);
  return `{${entries.join(',')}}`;
}

const RAW_CASES = [
  '{"steps": NaN}',
  '{"steps": Infinity}',
  '{"__proto__": {"polluted": true}, "message": "x"}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '[1,2,3]',
  '"just a string"',
  '12',
  'null',
  '{"message": "x", "message": 5}',
  `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  '{"steps": 1e999999}',
];

describe('JSON body fuzzing', () => {
  it('answers every hostile body with a 4xx, never a 5xx, and pollutes nothing', async () => {
    const rand = mulberry32(20261128);
    const bodies = [...RAW_CASES, ...Array.from({ length: 250 }, () => randomJson(rand, 0))];
    const routes = ['/v1/training-runs', '/v1/diagnostics/echo', '/v1/galleries'];
    const failures: string[] = [];
    for (const [i, body] of bodies.entries()) {
      const route = routes[i % routes.length];
      const response = await fetch(`${stack.baseUrl}${route}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      const text = await response.text();
      if (response.status >= 500 || response.status < 400) {
        // A valid echo body can legitimately be accepted; everything else must be refused.
        if (!(route === '/v1/diagnostics/echo' && response.status === 202)) failures.push(`${route} ${response.status} ${body.slice(0, 120)} → ${text.slice(0, 200)}`);
        continue;
      }
      const parsed = JSON.parse(text);
      if (typeof parsed.message !== 'string' || parsed.statusCode !== response.status) failures.push(`${route}: bad error shape ${text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
