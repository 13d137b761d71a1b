import { describe, expect, it } from 'vitest';
import { ObjectNotFoundError, ObjectStore } from './object-store';
import { isTransientStoreError, RetryingObjectStore } from './retrying-object-store';

/** A fake store failing its first `failures` calls with `error` (pure unit test of the policy). */
function flakyStore(failures: number, error: Error): ObjectStore & { calls: number } {
  const store = {
    calls: 0,
    driver: 'fs' as const,
    async get() {
      store.calls++;
      if (store.calls <= failures) throw error;
      return Buffer.from('ok');
    },
  };
  return store as unknown as ObjectStore & { calls: number };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' });
const policy = { initialDelayMs: 1, maxDelayMs: 4, budgetMs: 1_000, attemptTimeoutMs: 200 };

describe('RetryingObjectStore', () => {
  it('retries transient failures until the store answers', async () => {
    const inner = flakyStore(3, refused);
    const retries: number[] = [];
    const store = new RetryingObjectStore(inner, policy, (_op, attempt) => retries.push(attempt));
    expect((await store.get('a/b')).toString()).toBe('ok');
    expect(inner.calls).toBe(4);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('does not retry a missing object', async () => {
    const inner = flakyStore(5, new ObjectNotFoundError('a/b'));
    await expect(new RetryingObjectStore(inner, policy).get('a/b')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(inner.calls).toBe(1);
  });

  it('gives up when the time budget is spent', async () => {
    const inner = flakyStore(1_000, refused);
    await expect(new RetryingObjectStore(inner, { ...policy, budgetMs: 30 }).get('a/b')).rejects.toThrow(/ECONNREFUSED/);
    expect(inner.calls).toBeGreaterThan(1);
  });

  it('treats a hung call as a failed attempt', async () => {
    let calls = 0;
    const inner = { driver: 'fs', get: () => (++calls === 1 ? new Promise(() => undefined) : Promise.resolve(Buffer.from('late'))) } as unknown as ObjectStore;
    expect((await new RetryingObjectStore(inner, { ...policy, attemptTimeoutMs: 20 }).get('k')).toString()).toBe('late');
  });

  it('classifies errors', () => {
    expect(isTransientStoreError(refused)).toBe(true);
    expect(isTransientStoreError(Object.assign(new Error('x'), { code: 'SlowDown' }))).toBe(true);
    expect(isTransientStoreError(new Error('socket hang up'))).toBe(true);
    expect(isTransientStoreError(new Error('Access Denied'))).toBe(false);
  });
});
