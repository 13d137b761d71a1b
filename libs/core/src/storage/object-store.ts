import type { Readable } from 'node:stream';

/** Metadata of one stored object. */
export interface ObjectInfo {
  key: string;
  size: number;
  updatedAt: Date;
}

/**
 * The storage every part of Facestyle writes datasets, checkpoints, renders and cached models to.
 * Writes are atomic from a reader's view: a reader sees the old object, the new one, or none,
 * never a partial one (temp file + rename for `fs`, one PutObject for `s3`).
 */
export interface ObjectStore {
  /** Driver name for `/health` and logs. */
  readonly driver: 'fs' | 's3';
  /** Creates the bucket or folder if missing. */
  ensureReady(): Promise<void>;
  /** Cheap round trip proving the store answers; throws when it does not. */
  ping(): Promise<void>;
  put(key: string, body: Uint8Array | Readable, options?: { contentType?: string }): Promise<void>;
  /** Whole object in memory; for small objects (manifests, checkpoints, images). */
  get(key: string): Promise<Buffer>;
  getStream(key: string): Promise<Readable>;
  /** `undefined` when the object does not exist. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes every object under `prefix`; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}
