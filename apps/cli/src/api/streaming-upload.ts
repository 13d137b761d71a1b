import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { CliError, ExitCode } from '../framework/exit-codes';
import type { ApiClient, Query } from './api-client';
import { errorForStatus, unreachableError } from './api-errors';

export interface UploadOptions {
  query?: Query;
  contentType: string;
  /** Known for a file on disk; unknown for an archive packed on the fly (sent chunked). */
  contentLength?: number;
}

/**
 * POSTs a stream as the request body and returns the parsed JSON answer.
 *
 * This uses node:http rather than fetch: fetch gives up waiting for response headers after
 * 300 s and that cannot be raised without the undici package, while the API checks every
 * image of a large dataset before it answers, which can take longer. node:http also lets an
 * early answer (413, 401) stop the upload at once instead of after the last byte.
 */
export function uploadStream<T>(api: ApiClient, pathname: string, body: Readable, options: UploadOptions): Promise<T> {
  const url = new URL(api.url(pathname, options.query));
  const transport = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string | number> = { ...api.headers(), 'content-type': options.contentType };
  if (options.contentLength !== undefined) headers['content-length'] = options.contentLength;
  else headers['transfer-encoding'] = 'chunked';

  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let bodyError: Error | undefined;
    let answered = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    const request = transport.request(url, { method: 'POST', headers }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (err) => settle(() => reject(unreachableError(api.baseUrl, err))));
      response.on('end', () => {
        body.unpipe(request);
        body.destroy();
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) return settle(() => reject(errorForStatus(status, text, api.baseUrl, response.headers['retry-after'] as string | undefined)));
        settle(() => {
          try {
            resolve(JSON.parse(text) as T);
          } catch {
            reject(new CliError(`the API answered ${status} with something that is not JSON: ${text.slice(0, 200)}`, ExitCode.Unreachable));
          }
        });
      });
    });
    request.on('error', (err) => {
      // Once the API has answered, a broken pipe on the rest of the body is expected (it stopped reading).
      if (answered) return;
      // A local read error aborts the request; report that, not the connection it broke.
      if (bodyError) return settle(() => reject(new CliError(`could not read what was being uploaded: ${bodyError!.message}`, ExitCode.Usage)));
      settle(() => reject(unreachableError(api.baseUrl, err)));
    });
    body.on('error', (err) => {
      bodyError = err;
      request.destroy(err);
    });
    body.pipe(request);
  });
}
