import { ResourceRecord } from '@facestyle/infra';

/** What a gallery's record holds; each part is its own record field, written independently. */
export interface GalleryInput {
  name: string;
  runId: string;
}

/** `result`: the checkpoint the embeddings come from (changed only by a re-embedding). */
export interface GalleryBinding {
  step: number;
  boundAt: string;
}

/** `progress`: a new random value after every change of the gallery's contents (see GalleryIndexCache). */
export interface GalleryRevision {
  revision: string;
}

export type GalleryRecord = ResourceRecord<GalleryInput, GalleryRevision, GalleryBinding>;

export interface GalleryView {
  id: string;
  name: string;
  runId: string;
  /** The checkpoint step whose embeddings the gallery holds. */
  step: number;
  createdAt: string;
  updatedAt: string;
}

export interface GalleryIdentityView {
  identity: string;
  images: number;
}

export interface GalleryDetailView extends GalleryView {
  /** The run's best checkpoint now (null when it has none stored). */
  bestStep: number | null;
  /** The run's best checkpoint is another one than the gallery's: `POST …/reembed` moves it there. */
  stale: boolean;
  identityCount: number;
  imageCount: number;
  identities: GalleryIdentityView[];
}

export function galleryView(record: GalleryRecord): GalleryView {
  return {
    id: record.id,
    name: record.input.name,
    runId: record.input.runId,
    step: record.result!.step,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
