import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import tar from 'tar-stream';

export type ArchiveFormat = 'zip' | 'tar.gz';

export interface ArchiveEntry {
  /** The path as written in the archive (not yet checked). */
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Declared uncompressed size. */
  size: number;
  /** Reads the whole entry (callers check `size` against their limit first). */
  read(): Promise<Buffer>;
}

/** Detects zip (`PK\x03\x04`) or gzip (`\x1f\x8b`) from the first bytes. */
export function detectArchiveFormat(head: Uint8Array): ArchiveFormat | undefined {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  return undefined;
}

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/**
 * Visits every entry of an archive on disk one at a time (never the whole archive in memory).
 * `visit` must consume or skip the entry before the next one is read.
 */
export async function readArchive(file: string, format: ArchiveFormat, visit: (entry: ArchiveEntry) => Promise<void>): Promise<void> {
  return format === 'zip' ? readZip(file, visit) : readTarGz(file, visit);
}

async function streamToBuffer(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    // A zip entry can lie about its size; stop reading past the declared one.
    if (total > limit) throw new ArchiveError(`entry is larger than it declares (${limit} bytes)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function readZip(file: string, visit: (entry: ArchiveEntry) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    // decodeStrings: false keeps yauzl from refusing the whole archive over one bad name; names are
    // decoded and checked per entry instead, so the bad entry is listed and the rest accepted.
    yauzl.open(file, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true, decodeStrings: false }, (err, zip) => {
      if (err || !zip) return reject(new ArchiveError(`not a readable zip archive: ${err?.message}`));
      zip.on('error', (e: Error) => reject(new ArchiveError(`zip archive is corrupt: ${e.message}`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        const fileName = (entry.fileName as unknown as Buffer).toString('utf8');
        const type: ArchiveEntry['type'] = fileName.endsWith('/') ? 'directory' : mode === 0o120000 ? 'symlink' : mode === 0 || mode === 0o100000 ? 'file' : 'other';
        const archiveEntry: ArchiveEntry = {
          path: fileName,
          type,
          size: entry.uncompressedSize,
          read: () =>
            new Promise<Buffer>((res, rej) => {
              zip.openReadStream(entry, (e, stream) => {
                if (e || !stream) return rej(new ArchiveError(`cannot read entry: ${e?.message}`));
                streamToBuffer(stream, entry.uncompressedSize).then(res, rej);
              });
            }),
        };
        visit(archiveEntry).then(
          () => zip.readEntry(),
          (e) => {
            zip.close();
            reject(e);
          },
        );
      });
      zip.readEntry();
    });
  });
}

async function readTarGz(file: string, visit: (entry: ArchiveEntry) => Promise<void>): Promise<void> {
  const extract = tar.extract();
  const piping = pipeline(createReadStream(file), createGunzip(), extract);
  // A corrupt stream surfaces both here and in the iteration below; report it once.
  piping.catch(() => undefined);
  try {
    for await (const source of extract) {
      const stream = source as unknown as Readable;
      const header = source.header;
      const type: ArchiveEntry['type'] =
        header.type === 'file' || header.type === 'contiguous-file' ? 'file' : header.type === 'directory' ? 'directory' : header.type === 'symlink' || header.type === 'link' ? 'symlink' : 'other';
      let consumed = false;
      await visit({
        path: header.name,
        type,
        size: header.size ?? 0,
        read: async () => {
          consumed = true;
          return streamToBuffer(stream, header.size ?? 0);
        },
      });
      if (!consumed) stream.resume();
    }
    await piping;
  } catch (err) {
    if (err instanceof ArchiveError || (err as Error).name === 'DatasetRejectedError') throw err;
    throw new ArchiveError(`tar.gz archive is corrupt: ${(err as Error).message}`);
  }
}
