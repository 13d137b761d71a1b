import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removePrefix, TEST_REDIS_URL, testPrefix } from '../testing/redis-test-prefix';
import { ResourceRecordStore } from './resource-record-store';

const redis = new Redis(TEST_REDIS_URL);
let prefix: string;
let store: ResourceRecordStore;

beforeEach(() => {
  prefix = testPrefix('records');
  store = new ResourceRecordStore(redis, prefix);
});
afterEach(() => removePrefix(redis, prefix));
afterAll(() => redis.quit());

const base = (id: string, tenant = 'acme', createdAt = '2026-01-01T00:00:00.000Z') => ({
  id,
  tenant,
  kind: 'training-run' as const,
  status: 'queued' as const,
  createdAt,
  input: { steps: 10 },
});

describe('ResourceRecordStore (real Redis)', () => {
  it('creates, reads and hides records from other tenants', async () => {
    await store.create(base('run_a'));
    expect(await store.get('training-run', 'run_a', 'acme')).toMatchObject({ id: 'run_a', status: 'queued', input: { steps: 10 }, attempts: 0, cancelRequested: false });
    expect(await store.get('training-run', 'run_a', 'other')).toBeUndefined();
    expect(await store.get('render', 'run_a')).toBeUndefined();
  });

  it('lists newest first with a status filter and paging', async () => {
    await store.create(base('run_1', 'acme', '2026-01-01T00:00:01.000Z'));
    await store.create(base('run_2', 'acme', '2026-01-01T00:00:02.000Z'));
    await store.create(base('run_3', 'acme', '2026-01-01T00:00:03.000Z'));
    await store.create(base('run_x', 'beta', '2026-01-01T00:00:04.000Z'));
    await store.update('training-run', 'run_2', { status: 'running' });
    expect((await store.list('training-run', 'acme')).map((r) => r.id)).toEqual(['run_3', 'run_2', 'run_1']);
    expect((await store.list('training-run', 'acme', { status: 'queued' })).map((r) => r.id)).toEqual(['run_3', 'run_1']);
    expect((await store.list('training-run', 'acme', { limit: 1, offset: 1 })).map((r) => r.id)).toEqual(['run_2']);
  });

  it('keeps the cancel flag when the worker writes progress', async () => {
    await store.create(base('run_c'));
    await store.requestCancel('training-run', 'run_c');
    await store.update('training-run', 'run_c', { progress: { step: 3 }, status: 'running' });
    const record = await store.get('training-run', 'run_c');
    expect(record).toMatchObject({ cancelRequested: true, progress: { step: 3 }, status: 'running' });
  });

  it('transitions only from the allowed states', async () => {
    await store.create(base('run_t'));
    expect(await store.transition('training-run', 'run_t', ['queued'], { status: 'cancelled' })).toBe(true);
    expect(await store.transition('training-run', 'run_t', ['queued', 'running'], { status: 'running' })).toBe(false);
    expect((await store.get('training-run', 'run_t'))?.status).toBe('cancelled');
  });

  it('appends, truncates and publishes history', async () => {
    await store.create(base('run_h'));
    const subscriber = new Redis(TEST_REDIS_URL);
    const events: string[] = [];
    await subscriber.subscribe(store.eventChannel('training-run', 'run_h'));
    subscriber.on('message', (_channel, message) => events.push(message));
    await store.appendHistory('training-run', 'run_h', [{ step: 1, loss: 0.5 }, { step: 2, loss: 0.4 }]);
    await store.appendHistory('training-run', 'run_h', [{ step: 3, loss: 0.3 }]);
    await store.truncateHistory('training-run', 'run_h', 2);
    expect(await store.history('training-run', 'run_h')).toEqual([{ step: 1, loss: 0.5 }, { step: 2, loss: 0.4 }]);
    await store.truncateHistory('training-run', 'run_h', 0);
    expect(await store.history('training-run', 'run_h')).toEqual([]);
    await expect.poll(() => events.length).toBe(2);
    expect(JSON.parse(events[0])).toMatchObject({ type: 'history', entries: [{ step: 1 }, { step: 2 }] });
    await subscriber.quit();
  });

  it('deletes a record with its history and index entry', async () => {
    await store.create(base('run_d'));
    await store.appendHistory('training-run', 'run_d', [{ step: 1 }]);
    await store.delete('training-run', 'run_d', 'acme');
    expect(await store.get('training-run', 'run_d')).toBeUndefined();
    expect(await store.list('training-run', 'acme')).toEqual([]);
    expect(await store.history('training-run', 'run_d')).toEqual([]);
  });
});
