import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { listDatasetFolder } from '../archive/dataset-folder';
import { folderArchive } from '../archive/folder-archive';
import { UsageError } from '../framework/exit-codes';

/** What `datasets upload` sends: a stream, how to label it, and its progress in bytes. */
export interface UploadSource {
  stream: Readable;
  contentType: string;
  contentLength?: number;
  /** Files left out of a folder, with why. */
  skipped: { path: string; reason: string }[];
  fileCount?: number;
}

/** `faces/` → `faces`, `att.tar.gz` → `att`. */
export function defaultDatasetName(source: string): string {
  return path.basename(path.resolve(source)).replace(/(\.tar\.gz|\.tgz|\.zip)$/i, '');
}

/** Checks the path before anything else happens (a typo should not wait for the API). */
export function statUploadSource(source: string): fs.Stats {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch (err) {
    throw new UsageError(`cannot read ${source} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!stat.isDirectory() && !stat.isFile()) throw new UsageError(`${source} is neither a folder nor a file`);
  return stat;
}

/**
 * A folder is packed into a .tar.gz on the fly; a file is sent as it is (the API tells a zip
 * from a tar.gz by content, and refuses anything else with a message).
 */
export function openUploadSource(source: string, onProgress: (done: number, total: number) => void): UploadSource {
  const stat = statUploadSource(source);
  if (stat.isDirectory()) {
    const listing = listDatasetFolder(source);
    if (listing.files.length === 0) throw new UsageError(`${source} holds no files; expected <identity>/<image> folders`);
    const archive = folderArchive(listing.files, onProgress);
    return { stream: archive.stream, contentType: 'application/gzip', skipped: listing.skipped, fileCount: listing.files.length };
  }
  const stream = fs.createReadStream(source);
  let done = 0;
  stream.on('data', (chunk) => {
    done += chunk.length;
    onProgress(done, stat.size);
  });
  const contentType = /\.zip$/i.test(source) ? 'application/zip' : /\.(tar\.gz|tgz)$/i.test(source) ? 'application/gzip' : 'application/octet-stream';
  return { stream, contentType, contentLength: stat.size, skipped: [] };
}
