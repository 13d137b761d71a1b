import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { FsObjectStore } from './fs-object-store';
import { describeObjectStoreContract } from './testing/object-store-contract';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-fs-store-'));
let current: FsObjectStore;
beforeEach(async () => {
  current = new FsObjectStore(fs.mkdtempSync(path.join(root, 's-')));
  await current.ensureReady();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describeObjectStoreContract('fs', () => current);

it('leaves no temp files behind and never exposes them in listings', async () => {
  await current.put('a/b.bin', Buffer.alloc(1000));
  expect((await current.list('')).map((o) => o.key)).toEqual(['a/b.bin']);
});
