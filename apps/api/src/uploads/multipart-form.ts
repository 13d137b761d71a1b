import { BadRequestException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';

export interface FormFile {
  field: string;
  filename: string;
  bytes: Buffer;
}

export interface MultipartLimits {
  /** Largest single file. */
  fileBytes: number;
  /** Most files in one request. */
  files: number;
  /** Largest text field (e.g. the `options` JSON). */
  fieldBytes: number;
  /** File field names accepted; any other file field is a 400 naming it. */
  fileFields: readonly string[];
  /** Text field names accepted. */
  textFields: readonly string[];
}

/**
 * Parses a multipart/form-data request with hard limits (size per file, file count, field size),
 * failing with a 4xx that names the field. Files are images of at most `fileBytes`, so they are
 * kept in memory; archives go through the raw-body spool instead.
 */
export function parseMultipart(request: Request, limits: MultipartLimits): Promise<{ files: FormFile[]; fields: Record<string, string> }> {
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    return Promise.reject(new UnsupportedMediaTypeException(`body: expected multipart/form-data, got ${type || 'no content type'}`));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fileSize: limits.fileBytes, files: limits.files, fieldSize: limits.fieldBytes, fields: limits.textFields.length + 4, parts: limits.files + limits.textFields.length + 4 },
      });
    } catch (err) {
      reject(new BadRequestException(`body: malformed multipart request (${(err as Error).message})`));
      return;
    }
    const files: FormFile[] = [];
    const fields: Record<string, string> = {};
    let failure: Error | undefined;
    const fail = (err: Error) => {
      if (!failure) failure = err;
    };
    parser.on('file', (field, stream, info) => {
      if (!limits.fileFields.includes(field)) {
        fail(new BadRequestException(`${field}: unknown file field (expected ${limits.fileFields.join(', ')})`));
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new PayloadTooLargeException(`${field}: file "${info.filename}" is larger than the ${limits.fileBytes}-byte limit`)));
      stream.on('close', () => {
        if (!(stream as unknown as { truncated?: boolean }).truncated) files.push({ field, filename: info.filename ?? '', bytes: Buffer.concat(chunks) });
      });
    });
    parser.on('field', (name, value, info) => {
      if (!limits.textFields.includes(name)) return fail(new BadRequestException(`${name}: unknown field (expected ${[...limits.fileFields, ...limits.textFields].join(', ')})`));
      if (info.valueTruncated) return fail(new PayloadTooLargeException(`${name}: longer than the ${limits.fieldBytes}-byte limit`));
      fields[name] = value;
    });
    parser.on('filesLimit', () => fail(new BadRequestException(`body: more than ${limits.files} files`)));
    parser.on('partsLimit', () => fail(new BadRequestException('body: too many parts')));
    parser.on('fieldsLimit', () => fail(new BadRequestException('body: too many fields')));
    parser.on('error', (err: Error) => fail(new BadRequestException(`body: malformed multipart request (${err.message})`)));
    parser.on('close', () => (failure ? reject(failure) : resolve({ files, fields })));
    request.on('aborted', () => fail(new BadRequestException('body: request aborted')));
    request.pipe(parser);
  });
}
