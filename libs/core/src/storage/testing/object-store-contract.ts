/**
 * One behaviour suite for every ObjectStore driver, so `fs` and `s3` are held to the same contract.
 * Call it from a driver's test file with a factory that returns a fresh, empty store.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ObjectNotFoundError, ObjectStore } from '../object-store';

export function describeObjectStoreContract(name: string, makeStore: () => ObjectStore): void {
  describe(`${name} ObjectStore contract`, () => {
    it('round-trips bytes and reports size', async () => {
      const store = makeStore();
      await store.put('runs/r1/checkpoints/5/weights.bin', new Uint8Array([1, 2, 3, 250]));
      expect([...(await store.get('runs/r1/checkpoints/5/weights.bin'))]).toEqual([1, 2, 3, 250]);
      expect(await store.stat('runs/r1/checkpoints/5/weights.bin')).toMatchObject({ size: 4 });
    });

    it('streams in and out', async () => {
      const store = makeStore();
      const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(10_000, i));
      await store.put('renders/x/output.png', Readable.from(chunks));
      const out: Buffer[] = [];
      for await (const chunk of await store.getStream('renders/x/output.png')) out.push(chunk as Buffer);
      expect(Buffer.concat(out).equals(Buffer.concat(chunks))).toBe(true);
    });

    it('overwrites atomically and lists by prefix in key order', async () => {
      const store = makeStore();
      await store.put('datasets/d1/manifest.json', Buffer.from('{"v":1}'));
      await store.put('datasets/d1/manifest.json', Buffer.from('{"v":2}'));
      await store.put('datasets/d1/images/b/1.png', Buffer.from('b'));
      await store.put('datasets/d1/images/a/1.png', Buffer.from('a'));
      await store.put('datasets/d10/manifest.json', Buffer.from('x'));
      expect((await store.get('datasets/d1/manifest.json')).toString()).toBe('{"v":2}');
      expect((await store.list('datasets/d1/')).map((o) => o.key)).toEqual([
        'datasets/d1/images/a/1.png',
        'datasets/d1/images/b/1.png',
        'datasets/d1/manifest.json',
      ]);
      expect((await store.list('datasets/d1')).map((o) => o.key)).toContain('datasets/d10/manifest.json');
    });

    it('reports missing objects distinctly', async () => {
      const store = makeStore();
      await expect(store.get('nope/missing.json')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.getStream('nope/missing.json')).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await store.stat('nope/missing.json')).toBeUndefined();
      await store.delete('nope/missing.json');
    });

    it('deletes a prefix', async () => {
      const store = makeStore();
      await store.put('galleries/g1/a.json', Buffer.from('1'));
      await store.put('galleries/g1/b/c.json', Buffer.from('2'));
      await store.put('galleries/g2/a.json', Buffer.from('3'));
      expect(await store.deletePrefix('galleries/g1/')).toBe(2);
      expect((await store.list('galleries/')).map((o) => o.key)).toEqual(['galleries/g2/a.json']);
    });

    it.each(['../etc/passwd', '/abs/key', 'a/../../b', 'a//b', 'a/./b', 'nul\0byte', 'back\\slash', 'sp ace'])(
      'refuses the unsafe key %j',
      async (key) => {
        const store = makeStore();
        await expect(store.put(key, Buffer.from('x'))).rejects.toThrow(/unsafe object key/);
        await expect(store.get(key)).rejects.toThrow(/unsafe object key/);
      },
    );

    it('answers ping', async () => {
      await makeStore().ping();
    });
  });
}
