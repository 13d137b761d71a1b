import type { Readable } from 'node:stream';
import { UnsafeObjectKeyError } from './object-key';
import { ObjectInfo, ObjectNotFoundError, ObjectStore } from './object-store';

export interface RetryPolicy {
  /** First wait after a failure; doubled each time up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up once this much time has passed since the first try. */
  budgetMs: number;
  /** One try that takes longer than this counts as failed (a hung connection). */
  attemptTimeoutMs: number;
}

/** Rides out a store outage of a minute or two (a MinIO restart) without failing the job. */
export const WORKER_RETRY_POLICY: RetryPolicy = { initialDelayMs: 250, maxDelayMs: 8_000, budgetMs: 180_000, attemptTimeoutMs: 60_000 };

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET', 'SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'TIMEOUT']);

/** Network and server-side faults are worth retrying; a missing object or a bad key is not. */
export function isTransientStoreError(err: unknown): boolean {
  if (err instanceof ObjectNotFoundError || err instanceof UnsafeObjectKeyError) return false;
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (e.code && TRANSIENT_CODES.has(e.code)) return true;
  if (e.cause?.code && TRANSIENT_CODES.has(e.cause.code)) return true;
  return /socket hang up|ECONNREFUSED|ECONNRESET|timed out|other side closed|EPIPE|503|502|500 Internal/i.test(e.message ?? '');
}

class AttemptTimeoutError extends Error {
  readonly code = 'TIMEOUT';
}

/**
 * Retries transient failures of another store with exponential backoff inside a time budget, so
 * a job survives a storage outage instead of failing its attempt. Stream uploads are not retried
 * (a consumed stream cannot be resent); callers that need that pass bytes.
 */
export class RetryingObjectStore implements ObjectStore {
  constructor(
    private readonly inner: ObjectStore,
    private readonly policy: RetryPolicy = WORKER_RETRY_POLICY,
    private readonly onRetry?: (operation: string, attempt: number, err: Error) => void,
  ) {}

  get driver() {
    return this.inner.driver;
  }

  private async retry<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    let delay = this.policy.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await withTimeout(run(), this.policy.attemptTimeoutMs, operation);
      } catch (err) {
        if (!isTransientStoreError(err) || Date.now() - started + delay > this.policy.budgetMs) throw err;
        this.onRetry?.(operation, attempt, err as Error);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, this.policy.maxDelayMs);
      }
    }
  }

  ensureReady() {
    return this.retry('ensureReady', () => this.inner.ensureReady());
  }
  ping() {
    return this.inner.ping();
  }
  put(key: string, body: Uint8Array | Readable, options?: { contentType?: string }) {
    if (!(body instanceof Uint8Array)) return this.inner.put(key, body, options);
    return this.retry(`put ${key}`, () => this.inner.put(key, body, options));
  }
  get(key: string) {
    return this.retry(`get ${key}`, () => this.inner.get(key));
  }
  getStream(key: string) {
    return this.retry(`getStream ${key}`, () => this.inner.getStream(key));
  }
  stat(key: string): Promise<ObjectInfo | undefined> {
    return this.retry(`stat ${key}`, () => this.inner.stat(key));
  }
  list(prefix: string) {
    return this.retry(`list ${prefix}`, () => this.inner.list(prefix));
  }
  delete(key: string) {
    return this.retry(`delete ${key}`, () => this.inner.delete(key));
  }
  deletePrefix(prefix: string) {
    return this.retry(`deletePrefix ${prefix}`, () => this.inner.deletePrefix(prefix));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AttemptTimeoutError(`${operation} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
