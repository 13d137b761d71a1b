import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CheckedImage, ObjectNotFoundError, ObjectStore, objectKey } from '@facestyle/core';
import { OBJECT_STORE } from '../infrastructure/tokens';

/** One enrolled image, as found in storage. */
export interface StoredEnrolment {
  identityKey: string;
  enrolmentId: string;
  imageKey: string;
}

/** A stored embedding of one enrolment at one checkpoint step. */
export interface StoredEmbedding {
  identityKey: string;
  enrolmentId: string;
  step: number;
  key: string;
}

/** Everything a gallery holds in storage, from one listing. */
export interface GalleryListing {
  /** Identity key → object key of its name file. */
  identities: Map<string, string>;
  enrolments: StoredEnrolment[];
  embeddings: StoredEmbedding[];
}

export interface EmbeddingFile {
  identity: string;
  enrolmentId: string;
  step: number;
  embedding: number[];
}

const IDENTITY_FILE = /^identities\/([A-Za-z0-9]+)\.json$/;
const IMAGE_FILE = /^images\/([A-Za-z0-9]+)\/([A-Za-z0-9-]+)\.([a-z]+)$/;
const EMBEDDING_FILE = /^embeddings\/([A-Za-z0-9]+)\/(\d+)\/([A-Za-z0-9-]+)\.json$/;

/**
 * Storage layout of a gallery (keys are made here, never from the identity name itself):
 *   galleries/<id>/identities/<identityKey>.json                 {"name"}
 *   galleries/<id>/images/<identityKey>/<enrolmentId>.<ext>      the checked image
 *   galleries/<id>/embeddings/<identityKey>/<step>/<enrolmentId>.json
 * `identityKey` is a hash of the name (names may hold any character but "/" and controls);
 * enrolment ids start with the time, so they sort in enrolment order. Every object is written
 * once and never changed, so readers may cache them by key.
 */
@Injectable()
export class GalleryStorage {
  constructor(@Inject(OBJECT_STORE) private readonly store: ObjectStore) {}

  static identityKey(name: string): string {
    return `i${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 40)}`;
  }

  static newEnrolmentId(): string {
    return `${Date.now().toString(36).padStart(9, '0')}-${randomBytes(6).toString('hex')}`;
  }

  private prefix(galleryId: string): string {
    return `${objectKey('galleries', galleryId)}/`;
  }

  async list(galleryId: string): Promise<GalleryListing> {
    const prefix = this.prefix(galleryId);
    const listing: GalleryListing = { identities: new Map(), enrolments: [], embeddings: [] };
    for (const object of await this.store.list(prefix)) {
      const relative = object.key.slice(prefix.length);
      let match: RegExpExecArray | null;
      if ((match = IDENTITY_FILE.exec(relative))) listing.identities.set(match[1], object.key);
      else if ((match = IMAGE_FILE.exec(relative))) listing.enrolments.push({ identityKey: match[1], enrolmentId: match[2], imageKey: object.key });
      else if ((match = EMBEDDING_FILE.exec(relative))) listing.embeddings.push({ identityKey: match[1], step: Number(match[2]), enrolmentId: match[3], key: object.key });
    }
    listing.enrolments.sort((a, b) => (a.enrolmentId < b.enrolmentId ? -1 : 1));
    return listing;
  }

  /** Enrolment ids of one identity, oldest first. */
  async enrolmentsOf(galleryId: string, identityKey: string): Promise<string[]> {
    const prefix = `${objectKey('galleries', galleryId, 'images', identityKey)}/`;
    return (await this.store.list(prefix)).map((o) => o.key.slice(prefix.length).replace(/\.[a-z]+$/, '')).sort();
  }

  async identityName(key: string): Promise<string | undefined> {
    try {
      return (JSON.parse((await this.store.get(key)).toString()) as { name: string }).name;
    } catch (err) {
      if (err instanceof ObjectNotFoundError || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  async hasIdentity(galleryId: string, identityKey: string): Promise<boolean> {
    return (await this.store.stat(objectKey('galleries', galleryId, 'identities', `${identityKey}.json`))) !== undefined;
  }

  /** Stores a new enrolment: the identity's name file first, so a stored image always has a name. */
  async putEnrolment(galleryId: string, identity: string, enrolmentId: string, image: CheckedImage): Promise<string> {
    const identityKey = GalleryStorage.identityKey(identity);
    await this.store.put(objectKey('galleries', galleryId, 'identities', `${identityKey}.json`), Buffer.from(JSON.stringify({ name: identity })), { contentType: 'application/json' });
    const imageKey = objectKey('galleries', galleryId, 'images', identityKey, `${enrolmentId}.${image.extension}`);
    await this.store.put(imageKey, image.bytes);
    return imageKey;
  }

  async putEmbedding(galleryId: string, identityKey: string, file: EmbeddingFile): Promise<void> {
    const key = objectKey('galleries', galleryId, 'embeddings', identityKey, file.step, `${file.enrolmentId}.json`);
    await this.store.put(key, Buffer.from(JSON.stringify(file)), { contentType: 'application/json' });
  }

  /** The embedding, or undefined when it is gone (removed by a re-embedding or an identity deletion meanwhile). */
  async readEmbedding(key: string): Promise<EmbeddingFile | undefined> {
    try {
      return JSON.parse((await this.store.get(key)).toString()) as EmbeddingFile;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
  }

  readImage(imageKey: string): Promise<Buffer> {
    return this.store.get(imageKey);
  }

  /** Name file first (the identity disappears from listings at once), then its images and embeddings. */
  async deleteIdentity(galleryId: string, identityKey: string): Promise<void> {
    await this.store.delete(objectKey('galleries', galleryId, 'identities', `${identityKey}.json`));
    await this.store.deletePrefix(`${objectKey('galleries', galleryId, 'images', identityKey)}/`);
    await this.store.deletePrefix(`${objectKey('galleries', galleryId, 'embeddings', identityKey)}/`);
  }

  async deleteEmbeddings(keys: readonly string[]): Promise<void> {
    for (const key of keys) await this.store.delete(key);
  }

  async deleteGallery(galleryId: string): Promise<void> {
    await this.store.deletePrefix(this.prefix(galleryId));
  }
}
