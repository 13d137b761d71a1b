import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../framework/exit-codes';

const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.pgm': 'image/x-portable-graymap',
};

/**
 * A local file as a multipart part. `fs.openAsBlob` reads the file only while the request is
 * sent, so large images are not loaded into memory first. The API decides by content whether it
 * is an image; the type here is only a courtesy.
 */
export async function filePart(file: string, what: string): Promise<{ blob: Blob; name: string }> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!stat.isFile()) throw new UsageError(`${what}: ${file} is not a file`);
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { blob: await fs.openAsBlob(file, { type }), name: path.basename(file) };
}

/** Adds a file part to a form. */
export async function appendFile(form: FormData, field: string, file: string, what = field): Promise<void> {
  const part = await filePart(file, what);
  form.append(field, part.blob, part.name);
}
