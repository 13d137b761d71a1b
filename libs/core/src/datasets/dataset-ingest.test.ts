import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../storage/fs-object-store';
import { detectArchiveFormat } from './archive-reader';
import { DatasetRejectedError, ingestDatasetArchive } from './dataset-ingest';
import { animatedGif, buildTarGz, buildZip, folderEntries, pngBomb, TestEntry } from './testing/archive-builders';
import { attFacesDir } from '../testing/shared-data';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-ingest-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let store: FsObjectStore;
let storeDir: string;
beforeEach(async () => {
  storeDir = fs.mkdtempSync(path.join(tmp, 'store-'));
  store = new FsObjectStore(storeDir);
  await store.ensureReady();
});

let counter = 0;
async function ingest(archive: Buffer, datasetId = `ds_test${++counter}`) {
  const file = path.join(tmp, `${datasetId}.bin`);
  fs.writeFileSync(file, archive);
  const format = detectArchiveFormat(archive.subarray(0, 4));
  if (!format) throw new Error('test archive has no known format');
  return ingestDatasetArchive({ file, format, datasetId, name: 'test set', store });
}

const png = (w = 8, h = 8) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();

describe('dataset ingest', () => {
  it('stores AT&T identities from a .tar.gz and a .zip with the same content hash, stripping a top folder', async () => {
    const entries = folderEntries(attFacesDir(), ['s1', 's2', 's3'], 'att-faces/');
    const fromTar = await ingest(await buildTarGz(entries));
    const fromZip = await ingest(buildZip(entries));
    expect(fromTar.identities.map((i) => i.name)).toEqual(['s1', 's2', 's3']);
    expect(fromTar.imageCount).toBe(30);
    expect(fromTar.rejected).toEqual([]);
    expect(fromTar.identities[0].images[0]).toMatchObject({ format: 'png', width: 92, height: 112 });
    expect(fromZip.contentHash).toBe(fromTar.contentHash);
    const stored = await store.list(`datasets/${fromTar.id}/`);
    expect(stored).toHaveLength(31);
    expect(stored.at(-1)!.key).toBe(`datasets/${fromTar.id}/manifest.json`);
  });

  it('flags identities with a single image and converts PGM to PNG', async () => {
    const pgm = Buffer.concat([Buffer.from('P5\n3 2\n255\n'), Buffer.from([0, 50, 100, 150, 200, 255])]);
    const manifest = await ingest(buildZip([{ name: 'alice/1.pgm', data: pgm }, { name: 'bob/1.png', data: await png() }, { name: 'bob/2.png', data: await png() }]));
    expect(manifest.identities.map((i) => [i.name, i.singleImage])).toEqual([['alice', true], ['bob', false]]);
    const alice = manifest.identities[0].images[0];
    expect(alice).toMatchObject({ format: 'pgm', width: 3, height: 2 });
    const raw = await sharp(await store.get(alice.key)).extractChannel(0).raw().toBuffer();
    expect([...raw]).toEqual([0, 50, 100, 150, 200, 255]);
  });

  it('lists every hostile or unusable entry with a reason and stores only the good ones inside its folder', async () => {
    const good = await png();
    const animated = animatedGif(3);
    const entries: TestEntry[] = [
      { name: 'ok/1.png', data: good },
      { name: 'ok/2.png', data: good },
      { name: '../escape/1.png', data: good },
      { name: '/abs/1.png', data: good },
      { name: 'ok/nul\0.png', data: good },
      { name: 'ok/link.png', type: 'symlink' },
      { name: 'ok/fake.png', data: Buffer.from('this is not an image') },
      { name: 'ok/cut.png', data: good.subarray(0, good.length - 30) },
      { name: 'ok/vector.svg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>') },
      { name: 'ok/bomb.png', data: pngBomb() },
      { name: 'ok/anim.gif', data: animated },
      { name: '__MACOSX/ok/._1.png', data: good },
      { name: 'loose.png', data: good },
      { name: 'a/b/c/d.png', data: good },
    ];
    const manifest = await ingest(buildZip(entries));
    expect(manifest.imageCount).toBe(2);
    const reasons = Object.fromEntries(manifest.rejected.map((r) => [r.path, r.reason]));
    expect(reasons['../escape/1.png']).toMatch(/escapes/);
    expect(reasons['/abs/1.png']).toMatch(/absolute/);
    expect(reasons['ok/nul\\0.png']).toMatch(/NUL/);
    expect(reasons['ok/link.png']).toMatch(/symlink/);
    expect(reasons['ok/fake.png']).toMatch(/not a supported image/);
    expect(reasons['ok/cut.png']).toMatch(/corrupt or truncated/);
    expect(reasons['ok/vector.svg']).toMatch(/not a supported image/);
    expect(reasons['ok/bomb.png']).toMatch(/pixel limit/);
    expect(reasons['ok/anim.gif']).toMatch(/3 frames/);
    expect(reasons['__MACOSX/ok/._1.png']).toMatch(/operating-system/);
    expect(reasons['loose.png']).toMatch(/expected <identity>\/<image>/);
    expect(reasons['a/b/c/d.png']).toMatch(/expected <identity>\/<image>/);
    expect(manifest.rejected).toHaveLength(12);
    const files = fs.readdirSync(storeDir, { recursive: true }).map(String).filter((f) => !f.startsWith('.tmp'));
    expect(files.every((f) => f.startsWith('datasets'))).toBe(true);
  });

  it('rejects symlinks in tar archives too', async () => {
    const manifest = await ingest(await buildTarGz([{ name: 'x/1.png', data: await png() }, { name: 'x/evil.png', type: 'symlink', linkname: '../../etc/passwd' }]));
    expect(manifest.rejected).toEqual([{ path: 'x/evil.png', reason: 'symlink entries are not accepted' }]);
  });

  it('stores nothing when no entry is usable, and says why', async () => {
    const error = await ingest(buildZip([{ name: 'a/readme.txt', data: Buffer.from('hello') }])).catch((e) => e);
    expect(error).toBeInstanceOf(DatasetRejectedError);
    expect(error.message).toMatch(/no usable/);
    expect(error.rejected).toEqual([{ path: 'a/readme.txt', reason: expect.stringMatching(/not a supported image/) }]);
    expect(await store.list('datasets/')).toEqual([]);
  });

  it('stores nothing for a corrupt archive', async () => {
    const good = await buildTarGz(folderEntries(attFacesDir(), ['s1']));
    const error = await ingest(good.subarray(0, Math.floor(good.length / 2))).catch((e) => e);
    expect(error).toBeInstanceOf(DatasetRejectedError);
    expect(await store.list('datasets/')).toEqual([]);
  });
});
