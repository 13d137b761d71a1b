/** Model files: fetched once into storage, then served from it; an unreachable URL says what to set. */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '@facestyle/core';
import { cachedModelFiles } from './cached-model-files';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-model-'));
  dirs.push(dir);
  return dir;
}
/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('cachedModelFiles', () => {
  it('copies file:// model files into storage once and serves them from there', async () => {
    const source = tempDir();
    fs.writeFileSync(path.join(source, 'model.json'), '{"weightsManifest":[]}');
    fs.writeFileSync(path.join(source, 'shard1'), Buffer.from([1, 2, 3]));
    const store = new FsObjectStore(tempDir());
    const read = cachedModelFiles(pathToFileURL(path.join(source, 'model.json')).href, store, 'vgg19');
    expect(Buffer.from(await read('shard1'))).toEqual(Buffer.from([1, 2, 3]));
    fs.rmSync(source, { recursive: true });
    expect(Buffer.from(await read('shard1'))).toEqual(Buffer.from([1, 2, 3]));
    await expect(read('../outside')).rejects.toThrow();
  });

  it('names the file and the setting to change when the URL cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/vgg/model.json`;
    const read = cachedModelFiles(url, new FsObjectStore(tempDir()), 'vgg19');
    await expect(read('model.json')).rejects.toThrow(/cannot download model file http:\/\/127\.0\.0\.1:\d+\/vgg\/model\.json: fetch failed.*ECONNREFUSED.*set VGG19_MODEL_URL/);
  });
});
