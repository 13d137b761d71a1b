import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { PayloadTooLargeException } from '@nestjs/common';

/**
 * Streams a raw request body to a temp file, stopping at `limitBytes` (413), so a large archive
 * never sits in memory. The caller removes the file (`cleanup`).
 */
export async function spoolRequestBody(request: Request, limitBytes: number): Promise<{ file: string; size: number; head: Buffer; cleanup: () => Promise<void> }> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    request.resume();
    throw new PayloadTooLargeException(`body: ${declared} bytes is more than the ${limitBytes}-byte upload limit`);
  }
  const file = path.join(os.tmpdir(), `facestyle-upload-${randomUUID()}`);
  const cleanup = () => fs.rm(file, { force: true });
  const out = createWriteStream(file);
  let size = 0;
  const headChunks: Buffer[] = [];
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > limitBytes) throw new PayloadTooLargeException(`body: more than the ${limitBytes}-byte upload limit`);
      if (headChunks.length < 4) headChunks.push(chunk as Buffer);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    out.destroy();
    await cleanup();
    throw err;
  }
  return { file, size, head: Buffer.concat(headChunks).subarray(0, 16), cleanup };
}
