import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertSafeObjectKey, assertSafeObjectPrefix } from './object-key';
import { ObjectInfo, ObjectNotFoundError, ObjectStore } from './object-store';

const TEMP_DIR = '.tmp';

/**
 * The embedded default: objects are files under one folder. Each write goes to a temp file in
 * the same folder tree (same filesystem) and is renamed into place, which is atomic on POSIX.
 */
export class FsObjectStore implements ObjectStore {
  readonly driver = 'fs' as const;

  constructor(private readonly rootDir: string) {}

  async ensureReady(): Promise<void> {
    await fs.mkdir(path.join(this.rootDir, TEMP_DIR), { recursive: true });
  }

  async ping(): Promise<void> {
    await fs.access(this.rootDir, fs.constants.R_OK | fs.constants.W_OK);
  }

  private pathOf(key: string): string {
    assertSafeObjectKey(key);
    return path.join(this.rootDir, ...key.split('/'));
  }

  async put(key: string, body: Uint8Array | Readable, _options?: { contentType?: string }): Promise<void> {
    const target = this.pathOf(key);
    const temp = path.join(this.rootDir, TEMP_DIR, `${randomUUID()}.part`);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.mkdir(path.dirname(temp), { recursive: true });
    try {
      if (body instanceof Uint8Array) {
        const handle = await fs.open(temp, 'w');
        try {
          await handle.writeFile(body);
          await handle.sync();
        } finally {
          await handle.close();
        }
      } else {
        await pipeline(body, createWriteStream(temp));
      }
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (err) {
      throw notFoundOr(err, key);
    }
  }

  async getStream(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      await fs.access(file);
    } catch (err) {
      throw notFoundOr(err, key);
    }
    return createReadStream(file);
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const stats = await fs.stat(this.pathOf(key));
      return stats.isFile() ? { key, size: stats.size, updatedAt: stats.mtime } : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    assertSafeObjectPrefix(prefix);
    // Walk only the deepest folder the prefix names, then filter by the remaining text.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = dirPart ? path.join(this.rootDir, ...dirPart.split('/')) : this.rootDir;
    const found: ObjectInfo[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const entry of entries) {
        const key = keyPrefix ? `${keyPrefix}/${entry.name}` : entry.name;
        if (!keyPrefix && entry.name === TEMP_DIR) continue;
        if (entry.isDirectory()) {
          if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(path.join(dir, entry.name), key);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          const stats = await fs.stat(path.join(dir, entry.name));
          found.push({ key, size: stats.size, updatedAt: stats.mtime });
        }
      }
    };
    await walk(start, dirPart);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<number> {
    const objects = await this.list(prefix);
    for (const object of objects) await this.delete(object.key);
    return objects.length;
  }
}

function notFoundOr(err: unknown, key: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EISDIR' ? new ObjectNotFoundError(key) : (err as Error);
}
