/**
 * Object keys are built by the server, never taken from a request as they are. This check is the
 * last line of defence: a key that could escape the bucket or the storage folder is refused.
 */
export class UnsafeObjectKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`unsafe object key ${JSON.stringify(key.slice(0, 80))}: ${reason}`);
    this.name = 'UnsafeObjectKeyError';
  }
}

const SEGMENT = /^[A-Za-z0-9_=-][A-Za-z0-9._=-]*$/;
const MAX_KEY_LENGTH = 1024;

/** Throws unless `key` is a relative, `/`-separated path of plain segments (no `.`/`..`, NUL, `\`). */
export function assertSafeObjectKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new UnsafeObjectKeyError(String(key), 'empty');
  if (key.length > MAX_KEY_LENGTH) throw new UnsafeObjectKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  if (key.includes('\0')) throw new UnsafeObjectKeyError(key, 'contains NUL');
  if (key.includes('\\')) throw new UnsafeObjectKeyError(key, 'contains a backslash');
  if (key.startsWith('/')) throw new UnsafeObjectKeyError(key, 'is absolute');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new UnsafeObjectKeyError(key, `has an empty, "." or ".." segment`);
    }
    if (!SEGMENT.test(segment)) throw new UnsafeObjectKeyError(key, `segment "${segment.slice(0, 40)}" has characters outside [A-Za-z0-9._=-]`);
  }
}

/** Same rules for a listing prefix, which may end with `/`. */
export function assertSafeObjectPrefix(prefix: string): void {
  if (prefix === '') return;
  assertSafeObjectKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

/** Joins server-made parts into a key, checking the result. */
export function objectKey(...parts: (string | number)[]): string {
  const key = parts.map(String).join('/');
  assertSafeObjectKey(key);
  return key;
}
