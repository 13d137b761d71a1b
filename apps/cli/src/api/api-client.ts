import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { errorForStatus, unreachableError } from './api-errors';

export interface ApiClientOptions {
  /** Without a trailing slash. */
  baseUrl: string;
  apiKey?: string;
  userAgent: string;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Sent as a JSON body. */
  json?: unknown;
  body?: FormData | string;
  /** Statuses the caller handles itself instead of getting a CliError (e.g. 503 for `health`). */
  allowStatus?: number[];
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/**
 * The only place that talks HTTP with fetch. Every failure becomes a CliError carrying its exit
 * code, so commands read like the happy path.
 */
export class ApiClient {
  constructor(readonly options: ApiClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  url(pathname: string, query: Query = {}): string {
    const url = new URL(this.options.baseUrl + pathname);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    return url.href;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'user-agent': this.options.userAgent,
      ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
      ...extra,
    };
  }

  async request(method: string, pathname: string, options: RequestOptions = {}): Promise<Response> {
    const headers = this.headers(options.headers);
    let body: FormData | string | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      response = await fetch(this.url(pathname, options.query), { method, headers, body, signal: options.signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw unreachableError(this.options.baseUrl, err);
    }
    if (!response.ok && !options.allowStatus?.includes(response.status)) {
      throw errorForStatus(response.status, await response.text().catch(() => ''), this.options.baseUrl, response.headers.get('retry-after'));
    }
    return response;
  }

  async json<T>(method: string, pathname: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(method, pathname, options);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  get<T>(pathname: string, query?: Query): Promise<T> {
    return this.json<T>('GET', pathname, { query });
  }

  /**
   * Streams a response body to `file` (written beside it first, then renamed, so an interrupted
   * download never leaves a truncated file under the final name). Returns the byte count.
   */
  async download(pathname: string, file: string, query?: Query): Promise<number> {
    const response = await this.request('GET', pathname, { query });
    if (!response.body) throw new Error(`empty response from ${pathname}`);
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const partial = `${file}.partial`;
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), fs.createWriteStream(partial));
      fs.renameSync(partial, file);
    } catch (err) {
      fs.rmSync(partial, { force: true });
      throw err;
    }
    return fs.statSync(file).size;
  }
}
