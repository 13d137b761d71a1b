import { createHash } from 'node:crypto';
import { checkImage, DEFAULT_IMAGE_LIMITS, ImageLimits, ImageRejectedError } from '../images/checked-image';
import { objectKey } from '../storage/object-key';
import { ObjectStore } from '../storage/object-store';
import { ArchiveError, ArchiveFormat, readArchive } from './archive-reader';
import { DatasetIdentity, DatasetManifest, RejectedEntry } from './dataset-manifest';
import { isSystemFile, isValidIdentityName, splitEntryPath } from './entry-path';

export interface DatasetLimits {
  maxEntries: number;
  maxIdentities: number;
  image: ImageLimits;
}

export const DEFAULT_DATASET_LIMITS: DatasetLimits = {
  maxEntries: 200_000,
  maxIdentities: 50_000,
  image: { ...DEFAULT_IMAGE_LIMITS, maxPixels: 16_000_000 },
};

export class DatasetRejectedError extends Error {
  constructor(message: string, readonly rejected: RejectedEntry[] = []) {
    super(message);
    this.name = 'DatasetRejectedError';
  }
}

/** Files are checked and stored in batches of this many, bounding memory for any archive size. */
const BATCH = 32;

interface PendingFile {
  path: string;
  segments: string[];
  bytes: Buffer;
}

/**
 * Reads an uploaded archive of `<identity>/<image>` entries (optionally all under one top folder),
 * checks every image, stores the accepted ones under `datasets/<id>/images/` and writes the
 * manifest last. Every refused entry is listed with its reason. On failure everything written so
 * far is removed, so a rejected upload leaves nothing behind.
 */
export async function ingestDatasetArchive(args: {
  file: string;
  format: ArchiveFormat;
  datasetId: string;
  name: string;
  store: ObjectStore;
  limits?: DatasetLimits;
}): Promise<DatasetManifest> {
  const ingest = new DatasetIngest(args.datasetId, args.store, args.limits ?? DEFAULT_DATASET_LIMITS);
  const prefix = `datasets/${args.datasetId}/`;
  try {
    await readArchive(args.file, args.format, (entry) => ingest.accept(entry));
    await ingest.flush();
  } catch (err) {
    await args.store.deletePrefix(prefix).catch(() => undefined);
    if (err instanceof ArchiveError) throw new DatasetRejectedError(err.message, ingest.rejected);
    throw err;
  }
  if (ingest.imageCount() === 0) {
    await args.store.deletePrefix(prefix).catch(() => undefined);
    throw new DatasetRejectedError('the archive holds no usable <identity>/<image> entries', ingest.rejected);
  }
  const manifest = ingest.manifest(args.name);
  await args.store.put(objectKey('datasets', args.datasetId, 'manifest.json'), Buffer.from(JSON.stringify(manifest)), { contentType: 'application/json' });
  return manifest;
}

class DatasetIngest {
  readonly rejected: RejectedEntry[] = [];
  private readonly identities = new Map<string, DatasetIdentity & { key: string }>();
  private readonly pending: PendingFile[] = [];
  private entries = 0;
  /** Decided on the first batch: an archive is either all under one top folder or not. */
  private layout: 'top-folder' | 'flat' | undefined;

  constructor(
    private readonly datasetId: string,
    private readonly store: ObjectStore,
    private readonly limits: DatasetLimits,
  ) {}

  async accept(entry: { path: string; type: string; size: number; read(): Promise<Buffer> }): Promise<void> {
    if (++this.entries > this.limits.maxEntries) throw new DatasetRejectedError(`archive has more than ${this.limits.maxEntries} entries`, this.rejected);
    if (entry.type === 'directory') return;
    const split = splitEntryPath(entry.path);
    const shownPath = entry.path.replace(/\0/g, '\\0');
    if ('reason' in split) return this.reject(shownPath, split.reason);
    if (entry.type !== 'file') return this.reject(shownPath, `${entry.type} entries are not accepted`);
    if (isSystemFile(split.segments)) return this.reject(shownPath, 'operating-system file, not data');
    if (entry.size > this.limits.image.maxBytes) {
      return this.reject(shownPath, `file is ${entry.size} bytes, more than the ${this.limits.image.maxBytes}-byte limit`);
    }
    this.pending.push({ path: shownPath, segments: split.segments, bytes: await entry.read() });
    if (this.pending.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    if (this.layout === undefined) {
      const top = this.pending[0].segments[0];
      this.layout = this.pending.every((p) => p.segments.length === 3 && p.segments[0] === top) ? 'top-folder' : 'flat';
    }
    for (const item of this.pending.splice(0)) await this.store1(item);
  }

  private async store1(item: PendingFile): Promise<void> {
    const segments = this.layout === 'top-folder' && item.segments.length === 3 ? item.segments.slice(1) : item.segments;
    if (segments.length !== 2) return this.reject(item.path, 'expected <identity>/<image>');
    const [identityName, fileName] = segments;
    if (!isValidIdentityName(identityName) || fileName.startsWith('.')) return this.reject(item.path, 'hidden or invalid identity/file name');
    let checked;
    try {
      checked = await checkImage(item.bytes, this.limits.image);
    } catch (err) {
      if (err instanceof ImageRejectedError) return this.reject(item.path, err.message);
      throw err;
    }
    let identity = this.identities.get(identityName);
    if (!identity) {
      if (this.identities.size >= this.limits.maxIdentities) throw new DatasetRejectedError(`archive has more than ${this.limits.maxIdentities} identities`, this.rejected);
      // Storage keys never use the archive's names: identities get server-made folder names.
      identity = { name: identityName, images: [], singleImage: true, key: `i${String(this.identities.size).padStart(5, '0')}` };
      this.identities.set(identityName, identity);
    }
    const key = objectKey('datasets', this.datasetId, 'images', identity.key, `${String(identity.images.length).padStart(5, '0')}.${checked.extension}`);
    await this.store.put(key, checked.bytes);
    identity.images.push({
      source: item.path,
      key,
      format: checked.format,
      width: checked.width,
      height: checked.height,
      sha256: createHash('sha256').update(checked.bytes).digest('hex'),
    });
  }

  private reject(path: string, reason: string): void {
    this.rejected.push({ path, reason });
  }

  imageCount(): number {
    return [...this.identities.values()].reduce((n, i) => n + i.images.length, 0);
  }

  manifest(name: string): DatasetManifest {
    const identities = [...this.identities.values()]
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
      .map(({ key: _key, ...identity }) => ({ ...identity, singleImage: identity.images.length < 2 }));
    const hashes = identities.flatMap((i) => i.images.map((img) => `${i.name}/${img.sha256}`)).sort();
    return {
      id: this.datasetId,
      name,
      createdAt: new Date().toISOString(),
      identities,
      imageCount: this.imageCount(),
      rejected: this.rejected,
      contentHash: createHash('sha256').update(hashes.join('\n')).digest('hex'),
    };
  }
}
