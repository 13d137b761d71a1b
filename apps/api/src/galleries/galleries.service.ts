import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { newResourceId } from '@facestyle/core';
import { ResourceRecordStore } from '@facestyle/infra';
import { RECORDS } from '../infrastructure/tokens';
import { DecisionThreshold, DecisionThresholds } from '../inference/decision-thresholds';
import { EmbeddingModelCache, LoadedCheckpoint } from '../inference/embedding-model-cache';
import { embedFaceImages } from '../inference/face-embedding';
import { readFaceImages } from '../inference/face-image-upload';
import { IdentityMatch, nearestIdentities } from '../inference/open-set-identification';
import { RunCheckpoints, TrainingRunInput } from '../inference/run-checkpoints';
import { GalleryIndexCache, UnembeddedEnrolment } from './gallery-index-cache';
import { CreateGalleryRequest, GalleryListParams, IdentifyParams, ReembedRequest, validIdentityName } from './gallery-request';
import { GalleryStorage } from './gallery-storage';
import { GalleryDetailView, GalleryIdentityView, GalleryRecord, galleryView, GalleryView } from './gallery-view';

/** Images accepted in one enrolment request (each is checked before any is stored). */
const MAX_IMAGES_PER_ENROLMENT = 10;
const DEFAULT_K = 5;
/** Stored images embedded per batch during a re-embedding. */
const REEMBED_BATCH = 64;

export interface EnrolmentResult {
  galleryId: string;
  identity: string;
  step: number;
  enrolled: { imageId: string; format: string; width: number; height: number }[];
  /** Images of this identity in the gallery now. */
  images: number;
}

export interface IdentificationResult {
  /** The nearest enrolled identity if within the threshold, else null (an unknown face). */
  identity: string | null;
  distance: number | null;
  threshold: number;
  thresholdSource: DecisionThreshold['source'];
  step: number;
  /** The k nearest identities, closest first. */
  matches: IdentityMatch[];
}

/**
 * Galleries for 1:K recognition: people enrolled from a few face images with one checkpoint of
 * a training run. Records in Redis (kind `gallery`), images and embeddings in storage
 * (GalleryStorage); identification answers from GalleryIndexCache.
 */
@Injectable()
export class GalleriesService {
  constructor(
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
    private readonly runs: RunCheckpoints,
    private readonly models: EmbeddingModelCache,
    private readonly thresholds: DecisionThresholds,
    private readonly storage: GalleryStorage,
    private readonly index: GalleryIndexCache,
  ) {}

  async create(tenant: string, request: CreateGalleryRequest): Promise<GalleryView> {
    const run = await this.runs.run(tenant, request.runId, 'body.runId');
    const step = this.runs.resolveStep(run, request.step ?? 'best');
    const now = new Date().toISOString();
    const record = await this.records.create<GalleryInput>({
      id: newResourceId('gal'),
      tenant,
      kind: 'gallery',
      status: 'ready',
      createdAt: now,
      input: { name: request.name, runId: run.id },
      progress: { revision: randomUUID() },
      result: { step, boundAt: now },
    });
    return galleryView(record as GalleryRecord);
  }

  async list(tenant: string, options: GalleryListParams): Promise<GalleryView[]> {
    return (await this.records.list('gallery', tenant, options)).map((r) => galleryView(r as GalleryRecord));
  }

  async get(tenant: string, id: string): Promise<GalleryDetailView> {
    const record = await this.gallery(tenant, id);
    const identities = await this.identityViews(record);
    const bestStep = (await this.runs.bestStep(record.input.runId)) ?? null;
    return {
      ...galleryView(record),
      bestStep,
      stale: bestStep !== null && bestStep !== record.result!.step,
      identityCount: identities.length,
      imageCount: identities.reduce((n, i) => n + i.images, 0),
      identities,
    };
  }

  async identities(tenant: string, id: string): Promise<{ identities: GalleryIdentityView[] }> {
    return { identities: await this.identityViews(await this.gallery(tenant, id)) };
  }

  async delete(tenant: string, id: string): Promise<void> {
    await this.gallery(tenant, id);
    // Record first: once it is gone the gallery is invisible, then its objects are removed.
    await this.records.delete('gallery', id, tenant);
    this.index.forget(id);
    await this.storage.deleteGallery(id);
  }

  /** Checks every image, embeds them with the gallery's checkpoint, then stores images and embeddings. */
  async enrol(tenant: string, id: string, rawIdentity: string, request: Request): Promise<EnrolmentResult> {
    const identity = validIdentityName(rawIdentity);
    const record = await this.gallery(tenant, id);
    const { image: parts } = await readFaceImages(request, { image: { max: MAX_IMAGES_PER_ENROLMENT } });
    const step = record.result!.step;
    const identityKey = GalleryStorage.identityKey(identity);
    const enrolled: EnrolmentResult['enrolled'] = [];
    await this.models.withCheckpoint(record.input.runId, step, async (checkpoint) => {
      const embeddings = await embedFaceImages(
        checkpoint,
        parts.map((p) => ({ field: p.field, bytes: p.image.bytes })),
      );
      for (const [i, part] of parts.entries()) {
        const enrolmentId = GalleryStorage.newEnrolmentId();
        await this.storage.putEnrolment(id, identity, enrolmentId, part.image);
        await this.storage.putEmbedding(id, identityKey, { identity, enrolmentId, step, embedding: Array.from(embeddings[i]) });
        enrolled.push({ imageId: enrolmentId, format: part.image.format, width: part.image.width, height: part.image.height });
      }
    });
    await this.bumpRevision(id);
    return { galleryId: id, identity, step, enrolled, images: (await this.storage.enrolmentsOf(id, identityKey)).length };
  }

  async deleteIdentity(tenant: string, id: string, rawIdentity: string): Promise<void> {
    const identity = validIdentityName(rawIdentity);
    await this.gallery(tenant, id);
    const identityKey = GalleryStorage.identityKey(identity);
    if (!(await this.storage.hasIdentity(id, identityKey))) throw new NotFoundException(`params.identity: ${identity} is not enrolled in gallery ${id}`);
    await this.storage.deleteIdentity(id, identityKey);
    await this.bumpRevision(id);
  }

  /** Open-set 1:K: the nearest enrolled identities, and the nearest one if within the threshold. */
  async identify(tenant: string, id: string, query: IdentifyParams, request: Request): Promise<IdentificationResult> {
    const record = await this.gallery(tenant, id);
    const { image } = await readFaceImages(request, { image: { max: 1 } });
    const step = record.result!.step;
    return this.models.withCheckpoint(record.input.runId, step, async (checkpoint) => {
      const [probe] = await embedFaceImages(checkpoint, [{ field: 'image', bytes: image[0].image.bytes }]);
      const enrolled = await this.index.embeddingsAt(id, record.progress!.revision, step, (missing) => this.embedStored(checkpoint, missing));
      const matches = nearestIdentities(probe, enrolled, checkpoint.distance, query.k ?? DEFAULT_K);
      const decision = await this.thresholds.resolve(checkpoint, () => this.runInput(record), query.far);
      const nearest = matches[0];
      return {
        identity: nearest && nearest.distance <= decision.threshold ? nearest.identity : null,
        distance: nearest ? nearest.distance : null,
        threshold: decision.threshold,
        thresholdSource: decision.source,
        step,
        matches,
      };
    });
  }

  /**
   * Moves the gallery to another checkpoint of its run: every stored image is embedded with it,
   * then the gallery switches over, then the old embeddings are removed.
   */
  async reembed(tenant: string, id: string, request: ReembedRequest): Promise<GalleryDetailView> {
    const record = await this.gallery(tenant, id);
    const run = await this.runs.run(tenant, record.input.runId);
    const step = this.runs.resolveStep(run, request.step ?? 'best');
    const listing = await this.storage.list(id);
    const names = new Map<string, string>();
    for (const [key, nameKey] of listing.identities) {
      const name = await this.storage.identityName(nameKey);
      if (name !== undefined) names.set(key, name);
    }
    const done = new Set(listing.embeddings.filter((e) => e.step === step).map((e) => `${e.identityKey}/${e.enrolmentId}`));
    const todo: UnembeddedEnrolment[] = listing.enrolments
      .filter((e) => names.has(e.identityKey) && !done.has(`${e.identityKey}/${e.enrolmentId}`))
      .map((e) => ({ ...e, identity: names.get(e.identityKey)! }));
    await this.models.withCheckpoint(run.id, step, async (checkpoint) => {
      for (let start = 0; start < todo.length; start += REEMBED_BATCH) {
        const batch = todo.slice(start, start + REEMBED_BATCH);
        const vectors = await this.embedStored(checkpoint, batch);
        for (const [i, e] of batch.entries()) {
          await this.storage.putEmbedding(id, e.identityKey, { identity: e.identity, enrolmentId: e.enrolmentId, step, embedding: Array.from(vectors[i]) });
        }
      }
    });
    await this.records.update('gallery', id, { result: { step, boundAt: new Date().toISOString() } });
    await this.bumpRevision(id);
    await this.storage.deleteEmbeddings(listing.embeddings.filter((e) => e.step !== step).map((e) => e.key));
    return this.get(tenant, id);
  }

  private async gallery(tenant: string, id: string): Promise<GalleryRecord> {
    const record = await this.records.get<GalleryInput, GalleryRecord['progress'], GalleryRecord['result']>('gallery', id, tenant);
    if (!record) throw new NotFoundException(`gallery ${id} not found`);
    return record as GalleryRecord;
  }

  private async identityViews(record: GalleryRecord): Promise<GalleryIdentityView[]> {
    const identities = await this.index.identities(record.id, record.progress!.revision);
    return identities.map((i) => ({ identity: i.name, images: i.enrolments.length }));
  }

  /** A new revision after the objects of a change are written: every cached view of the gallery is then rebuilt. */
  private async bumpRevision(id: string): Promise<void> {
    await this.records.update('gallery', id, { progress: { revision: randomUUID() } });
  }

  /** The run's input (dataset, held-out names) for a held-out ROC; undefined once its record has expired. */
  private async runInput(record: GalleryRecord): Promise<TrainingRunInput | undefined> {
    return (await this.records.get<TrainingRunInput>('training-run', record.input.runId, record.tenant))?.input;
  }

  private async embedStored(checkpoint: LoadedCheckpoint, enrolments: readonly UnembeddedEnrolment[]): Promise<Float32Array[]> {
    const images: { field: string; bytes: Uint8Array }[] = [];
    for (const e of enrolments) images.push({ field: `stored image ${e.imageKey}`, bytes: await this.storage.readImage(e.imageKey) });
    return embedFaceImages(checkpoint, images);
  }
}

type GalleryInput = GalleryRecord['input'];
