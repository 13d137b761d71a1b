import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { tarArchiveBytes, tarChunks, TarEntry } from '../../apps/cli/src/archive/tar-writer';

const entry = (name: string, data: Buffer, mtime = 1_700_000_000): TarEntry => ({
  name,
  size: data.length,
  mtime,
  open: () => Readable.from([data.subarray(0, 7), data.subarray(7)]),
});

async function collect(entries: TarEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tarChunks(entries)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Reads an archive back with tar-stream (the reader the API uses). */
async function extract(archive: Buffer): Promise<{ name: string; data: Buffer; mtime?: Date }[]> {
  const out: { name: string; data: Buffer; mtime?: Date }[] = [];
  const extractor = tar.extract();
  Readable.from([archive]).pipe(extractor);
  for await (const stream of extractor) {
    const parts: Buffer[] = [];
    for await (const part of stream as unknown as AsyncIterable<Buffer>) parts.push(part);
    out.push({ name: stream.header.name, data: Buffer.concat(parts), mtime: stream.header.mtime });
  }
  return out;
}

describe('tar writer', () => {
  const long = `${'a'.repeat(120)}/${'b'.repeat(90)}.png`; // fits as ustar prefix + name
  const tooLong = `${'c'.repeat(300)}.png`; // one segment over 100 bytes: needs a pax record
  const entries = [
    entry('s1/1.png', Buffer.from('first image bytes')),
    entry('s1/empty.png', Buffer.alloc(0)),
    entry('s2/exact.pgm', Buffer.alloc(1024, 7)),
    entry('Zoë/ünïcode.png', Buffer.from('utf-8 names')),
    entry(long, Buffer.from('prefix split')),
    entry(tooLong, Buffer.from('pax path')),
  ];

  it('writes entries that tar-stream reads back, byte for byte, with long and non-ASCII names', async () => {
    const archive = await collect(entries);
    const read = await extract(archive);
    expect(read.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    expect(read[0].data.toString()).toBe('first image bytes');
    expect(read[1].data.length).toBe(0);
    expect(read[2].data).toEqual(Buffer.alloc(1024, 7));
    expect(read[5].data.toString()).toBe('pax path');
    expect(read[0].mtime?.getTime()).toBe(1_700_000_000_000);
  });

  it('knows the archive size before writing it (for the upload progress bar)', async () => {
    const archive = await collect(entries);
    expect(archive.length % 512).toBe(0);
    expect(tarArchiveBytes(entries)).toBe(archive.length);
  });

  it('round-trips through gzip as the upload does', async () => {
    const gz = zlib.gzipSync(await collect(entries.slice(0, 2)));
    const read = await extract(zlib.gunzipSync(gz));
    expect(read.map((e) => e.name)).toEqual(['s1/1.png', 's1/empty.png']);
  });

  it('fails instead of writing a corrupt archive when a file changes size while being read', async () => {
    const liar: TarEntry = { name: 's1/grew.png', size: 4, mtime: 0, open: () => Readable.from([Buffer.from('more than four')]) };
    await expect(collect([liar])).rejects.toThrow(/changed size while being archived/);
    const shrank: TarEntry = { name: 's1/shrank.png', size: 40, mtime: 0, open: () => Readable.from([Buffer.from('short')]) };
    await expect(collect([shrank])).rejects.toThrow(/changed size/);
  });
});
