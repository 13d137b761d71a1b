import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'minio';
import { assertSafeObjectKey, assertSafeObjectPrefix, ObjectInfo, ObjectNotFoundError, ObjectStore } from '@facestyle/core';

export interface S3StoreOptions {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

/**
 * MinIO / any S3 API. Each object is written with one PutObject (multipart only for large streams,
 * completed atomically by the server), so readers never see a partial object.
 */
export class S3ObjectStore implements ObjectStore {
  readonly driver = 's3' as const;
  private readonly client: Client;

  constructor(private readonly options: S3StoreOptions) {
    const url = new URL(options.endpoint);
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      useSSL: url.protocol === 'https:',
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      pathStyle: true,
      // Objects up to this size go in a single PutObject.
      partSize: 1024 * 1024 * 1024,
    });
  }

  async ensureReady(): Promise<void> {
    if (!(await this.client.bucketExists(this.options.bucket))) {
      await this.client.makeBucket(this.options.bucket, this.options.region);
    }
  }

  async ping(): Promise<void> {
    if (!(await this.client.bucketExists(this.options.bucket))) {
      throw new Error(`bucket "${this.options.bucket}" does not exist`);
    }
  }

  async put(key: string, body: Uint8Array | Readable, options?: { contentType?: string }): Promise<void> {
    assertSafeObjectKey(key);
    const meta = { 'Content-Type': options?.contentType ?? 'application/octet-stream' };
    if (body instanceof Uint8Array) {
      await this.client.putObject(this.options.bucket, key, Buffer.from(body.buffer, body.byteOffset, body.byteLength), body.byteLength, meta);
    } else {
      // Spool to a temp file first: with a known size the client sends one PutObject (not a
      // multipart upload that a dropped connection could leave half-done), and a retry can resend it.
      const spool = path.join(os.tmpdir(), `facestyle-put-${randomUUID()}`);
      try {
        await pipeline(body, createWriteStream(spool));
        const { size } = await fs.stat(spool);
        await this.client.putObject(this.options.bucket, key, createReadStream(spool), size, meta);
      } finally {
        await fs.rm(spool, { force: true });
      }
    }
  }

  async get(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.getStream(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async getStream(key: string): Promise<Readable> {
    assertSafeObjectKey(key);
    try {
      return await this.client.getObject(this.options.bucket, key);
    } catch (err) {
      throw isNotFound(err) ? new ObjectNotFoundError(key) : err;
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    assertSafeObjectKey(key);
    try {
      const stat = await this.client.statObject(this.options.bucket, key);
      return { key, size: stat.size, updatedAt: stat.lastModified };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    assertSafeObjectPrefix(prefix);
    const found: ObjectInfo[] = [];
    const stream = this.client.listObjectsV2(this.options.bucket, prefix, true);
    for await (const item of stream as AsyncIterable<{ name?: string; size: number; lastModified: Date }>) {
      if (item.name) found.push({ key: item.name, size: item.size, updatedAt: item.lastModified });
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    assertSafeObjectKey(key);
    await this.client.removeObject(this.options.bucket, key);
  }

  async deletePrefix(prefix: string): Promise<number> {
    const objects = await this.list(prefix);
    if (objects.length > 0) {
      await this.client.removeObjects(this.options.bucket, objects.map((o) => o.key));
    }
    return objects.length;
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchObject';
}
