import { Injectable } from '@nestjs/common';
import { LruCache } from '../inference/lru-cache';
import { LabelledEmbedding } from '../inference/open-set-identification';
import { GalleryListing, GalleryStorage, StoredEnrolment } from './gallery-storage';

export interface GalleryIdentity {
  key: string;
  name: string;
  /** Oldest first. */
  enrolments: StoredEnrolment[];
}

/** An enrolment that has no stored embedding at the step asked for. */
export interface UnembeddedEnrolment extends StoredEnrolment {
  identity: string;
}

interface CachedGallery {
  /** The gallery record's revision this was built from. */
  revision: string;
  listing: GalleryListing;
  /** Identities with at least one image, by key. */
  identities: Map<string, GalleryIdentity>;
  /** Stored objects are immutable, so names and vectors are kept by object key across revisions. */
  names: Map<string, string>;
  vectors: Map<string, Float32Array>;
  atStep?: { step: number; entries: Promise<LabelledEmbedding[]> };
}

/** Galleries whose contents stay in memory (a 1,000-identity gallery of 64-d embeddings is ~0.3 MB). */
const CACHED_GALLERIES = 32;
/** Storage reads in flight while (re)building a gallery's index. */
const READ_CONCURRENCY = 16;

/**
 * In-memory view of galleries for fast identification. Every change to a gallery sets a new
 * random revision in its record after its objects are written, and every request passes the
 * record's revision: a cached view of another revision is rebuilt from a storage listing,
 * reading only objects it has not seen (objects never change). So several API instances
 * serving one gallery always answer from its current contents.
 */
@Injectable()
export class GalleryIndexCache {
  private readonly cache = new LruCache<string, CachedGallery>(CACHED_GALLERIES);
  private readonly building = new Map<string, Promise<CachedGallery>>();

  constructor(private readonly storage: GalleryStorage) {}

  /** Identities (with at least one image) and their enrolments, by name (as dataset identities: s2 before s10). */
  async identities(galleryId: string, revision: string): Promise<GalleryIdentity[]> {
    const gallery = await this.load(galleryId, revision);
    return [...gallery.identities.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  /**
   * One entry per enrolled image with its embedding at `step`. Images without a stored
   * embedding at that step (enrolled during a re-embedding, or a write that did not finish) are
   * embedded with `embedMissing` and stored now.
   */
  async embeddingsAt(
    galleryId: string,
    revision: string,
    step: number,
    embedMissing: (enrolments: UnembeddedEnrolment[]) => Promise<Float32Array[]>,
  ): Promise<LabelledEmbedding[]> {
    const gallery = await this.load(galleryId, revision);
    if (gallery.atStep?.step !== step) {
      const entries = this.collect(galleryId, gallery, step, embedMissing);
      gallery.atStep = { step, entries };
      entries.catch(() => {
        if (gallery.atStep?.entries === entries) gallery.atStep = undefined;
      });
    }
    return gallery.atStep!.entries;
  }

  forget(galleryId: string): void {
    this.cache.delete(galleryId);
  }

  private async load(galleryId: string, revision: string): Promise<CachedGallery> {
    const cached = this.cache.get(galleryId);
    if (cached?.revision === revision) return cached;
    const buildKey = `${galleryId}\n${revision}`;
    let pending = this.building.get(buildKey);
    if (!pending) {
      pending = this.build(galleryId, revision, cached).finally(() => this.building.delete(buildKey));
      this.building.set(buildKey, pending);
    }
    return pending;
  }

  private async build(galleryId: string, revision: string, previous: CachedGallery | undefined): Promise<CachedGallery> {
    const listing = await this.storage.list(galleryId);
    const names = new Map<string, string>();
    await forEachLimited([...listing.identities.values()], READ_CONCURRENCY, async (key) => {
      const name = previous?.names.get(key) ?? (await this.storage.identityName(key));
      if (name !== undefined) names.set(key, name);
    });
    const identities = new Map<string, GalleryIdentity>();
    for (const enrolment of listing.enrolments) {
      const nameKey = listing.identities.get(enrolment.identityKey);
      const name = nameKey === undefined ? undefined : names.get(nameKey);
      if (name === undefined) continue; // its identity is being deleted
      let identity = identities.get(enrolment.identityKey);
      if (!identity) identities.set(enrolment.identityKey, (identity = { key: enrolment.identityKey, name, enrolments: [] }));
      identity.enrolments.push(enrolment);
    }
    const present = new Set(listing.embeddings.map((e) => e.key));
    const vectors = new Map([...(previous?.vectors ?? [])].filter(([key]) => present.has(key)));
    const gallery: CachedGallery = { revision, listing, identities, names, vectors };
    this.cache.set(galleryId, gallery);
    return gallery;
  }

  private async collect(
    galleryId: string,
    gallery: CachedGallery,
    step: number,
    embedMissing: (enrolments: UnembeddedEnrolment[]) => Promise<Float32Array[]>,
  ): Promise<LabelledEmbedding[]> {
    const stored = new Map(gallery.listing.embeddings.filter((e) => e.step === step).map((e) => [`${e.identityKey}/${e.enrolmentId}`, e.key]));
    const enrolments = [...gallery.identities.values()].flatMap((identity) => identity.enrolments.map((e) => ({ ...e, identity: identity.name })));
    const found = new Map<UnembeddedEnrolment, Float32Array>();
    await forEachLimited(enrolments, READ_CONCURRENCY, async (enrolment) => {
      const key = stored.get(`${enrolment.identityKey}/${enrolment.enrolmentId}`);
      if (key === undefined) return;
      let vector = gallery.vectors.get(key);
      if (!vector) {
        const file = await this.storage.readEmbedding(key);
        if (!file) return;
        vector = Float32Array.from(file.embedding);
        gallery.vectors.set(key, vector);
      }
      found.set(enrolment, vector);
    });
    const missing = enrolments.filter((e) => !found.has(e));
    if (missing.length > 0) {
      const vectors = await embedMissing(missing);
      for (const [i, enrolment] of missing.entries()) {
        await this.storage.putEmbedding(galleryId, enrolment.identityKey, { identity: enrolment.identity, enrolmentId: enrolment.enrolmentId, step, embedding: Array.from(vectors[i]) });
        found.set(enrolment, vectors[i]);
      }
    }
    return enrolments.map((e) => ({ identity: e.identity, embedding: found.get(e)! }));
  }
}

/** Runs `task` for every item, at most `limit` at a time. */
async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
