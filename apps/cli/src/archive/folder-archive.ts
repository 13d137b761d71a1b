import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { FolderFile } from './dataset-folder';
import { tarArchiveBytes, tarChunks, TarEntry } from './tar-writer';

export interface FolderArchive {
  /** The .tar.gz bytes, produced as the consumer reads them. */
  stream: Readable;
  /** Size of the tar before compression: progress is measured against it, since it is known up front. */
  tarBytes: number;
}

/**
 * Packs files into a .tar.gz stream. `onProgress` reports uncompressed bytes as they enter gzip,
 * out of the tar's total; gzip keeps only a small window, so that is how far the upload has got.
 */
export function folderArchive(files: FolderFile[], onProgress: (tarBytesDone: number, tarBytes: number) => void): FolderArchive {
  const entries: TarEntry[] = files.map((f) => ({
    name: f.archivePath,
    size: f.size,
    mtime: f.mtimeSeconds,
    open: () => fs.createReadStream(f.filePath),
  }));
  const tarBytes = tarArchiveBytes(entries);
  let counted = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counted += chunk.length;
      onProgress(counted, tarBytes);
      callback(null, chunk);
    },
  });
  const tar = Readable.from(tarChunks(entries), { objectMode: false });
  const gzip = zlib.createGzip();
  // Errors (a file that vanished or changed) must reach the consumer of the final stream.
  tar.on('error', (err) => gzip.destroy(err));
  counter.on('error', (err) => gzip.destroy(err));
  tar.pipe(counter).pipe(gzip);
  return { stream: gzip, tarBytes };
}
