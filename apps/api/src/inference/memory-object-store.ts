import { Readable } from 'node:stream';
import { assertSafeObjectKey, ObjectInfo, ObjectNotFoundError, ObjectStore } from '@facestyle/core';

/**
 * An ObjectStore held in this process's memory, for data that lives only as long as one request:
 * an evaluation archive goes through the dataset ingest (same entry and image checks as an
 * upload) into it, and is dropped with the request.
 */
export class MemoryObjectStore implements ObjectStore {
  readonly driver = 'fs' as const;
  private readonly objects = new Map<string, { bytes: Buffer; updatedAt: Date }>();

  async ensureReady(): Promise<void> {}

  async ping(): Promise<void> {}

  async put(key: string, body: Uint8Array | Readable): Promise<void> {
    assertSafeObjectKey(key);
    let bytes: Buffer;
    if (body instanceof Readable) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
      bytes = Buffer.concat(chunks);
    } else {
      bytes = Buffer.from(body);
    }
    this.objects.set(key, { bytes, updatedAt: new Date() });
  }

  async get(key: string): Promise<Buffer> {
    const object = this.objects.get(key);
    if (!object) throw new ObjectNotFoundError(key);
    return object.bytes;
  }

  async getStream(key: string): Promise<Readable> {
    return Readable.from([await this.get(key)]);
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const object = this.objects.get(key);
    return object ? { key, size: object.bytes.length, updatedAt: object.updatedAt } : undefined;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    return [...this.objects]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, o]) => ({ key, size: o.bytes.length, updatedAt: o.updatedAt }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix));
    for (const key of keys) this.objects.delete(key);
    return keys.length;
  }
}
