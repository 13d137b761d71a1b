import { BadRequestException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { Request } from 'express';
import {
  accuracyAtThreshold,
  AppConfig,
  DatasetManifest,
  DatasetRejectedError,
  detectArchiveFormat,
  ingestDatasetArchive,
  ObjectStore,
  objectKey,
  pairDistances,
  RejectedEntry,
  verificationMetrics,
} from '@facestyle/core';
import { ResourceRecordStore } from '@facestyle/infra';
import { APP_CONFIG, OBJECT_STORE, RECORDS } from '../infrastructure/tokens';
import { spoolRequestBody } from '../uploads/request-spool';
import { DecisionThreshold, DecisionThresholds } from './decision-thresholds';
import { EmbeddingModelCache } from './embedding-model-cache';
import { embedFaceImages } from './face-embedding';
import { FACE_IMAGE_LIMITS } from './face-image-upload';
import { EvaluateParams } from './inference-query';
import { MemoryObjectStore } from './memory-object-store';
import { OpenSetMetrics, openSetIdentification } from './open-set-identification';
import { RunCheckpoints, TrainingRunInput } from './run-checkpoints';

/** Evaluation runs in the API process and answers synchronously, so its size is bounded. */
const MAX_EVALUATION_IMAGES = 2000;
const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

export interface EvaluationReport {
  runId: string;
  step: number;
  source: { datasetId: string } | { archive: { rejected: RejectedEntry[] } };
  identities: number;
  images: number;
  distanceMetric: string;
  /** The threshold used for accuracy and open-set decisions (the run's, or the one for `?far=`). */
  threshold: number;
  thresholdSource: DecisionThreshold['source'];
  /** 1:1 over all pairs of the images. */
  verification: {
    rocAuc: number;
    eer: number;
    eerThreshold: number;
    /** Accuracy over all pairs at `threshold`. */
    accuracy: number;
    tarAtFar: { '1e-2': number; '1e-3': number };
    samePairs: number;
    differentPairs: number;
  };
  /** 1:K open set: a seeded third of the identities left out, the rest enrolled from their first image. */
  identification: OpenSetMetrics & { seed: number };
}

interface LabelledImage {
  identity: string;
  key: string;
}

/** Verification and open-set identification metrics of a checkpoint on a labelled face set. */
@Injectable()
export class EvaluationService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
    private readonly runs: RunCheckpoints,
    private readonly models: EmbeddingModelCache,
    private readonly thresholds: DecisionThresholds,
  ) {}

  async evaluate(tenant: string, runId: string, query: EvaluateParams, request: Request): Promise<EvaluationReport> {
    const run = await this.runs.run(tenant, runId);
    const step = this.runs.resolveStep(run, query.step);
    const seed = query.seed ?? 1;
    const declared = Number(request.headers['content-length'] ?? 0);
    const hasBody = declared > 0 || request.headers['transfer-encoding'] !== undefined;
    if (query.datasetId !== undefined && hasBody) throw new BadRequestException('body: send either an archive body or query.datasetId, not both');
    if (query.datasetId !== undefined) {
      if (!(await this.records.get('dataset', query.datasetId, tenant))) throw new NotFoundException(`query.datasetId: dataset ${query.datasetId} not found`);
      const manifest = JSON.parse((await this.store.get(objectKey('datasets', query.datasetId, 'manifest.json'))).toString()) as DatasetManifest;
      return this.measure(run.id, step, run.input, query, seed, this.store, imagesOf(manifest), { datasetId: query.datasetId });
    }
    const spooled = await spoolRequestBody(request, Math.min(this.config.uploadLimitBytes, MAX_ARCHIVE_BYTES));
    try {
      if (spooled.size === 0) throw new BadRequestException('body: empty; send a .zip or .tar.gz archive of <identity>/<image> entries, or query.datasetId');
      const format = detectArchiveFormat(spooled.head);
      if (!format) throw new BadRequestException('body: not a .zip or .tar.gz archive (checked by content)');
      // The dataset ingest (entry-path and image checks, optional top folder) into memory: nothing is stored.
      const memory = new MemoryObjectStore();
      let manifest: DatasetManifest;
      try {
        manifest = await ingestDatasetArchive({
          file: spooled.file,
          format,
          datasetId: 'ds_evaluation',
          name: 'evaluation',
          store: memory,
          limits: { maxEntries: 4 * MAX_EVALUATION_IMAGES, maxIdentities: MAX_EVALUATION_IMAGES, image: FACE_IMAGE_LIMITS },
        });
      } catch (err) {
        if (err instanceof DatasetRejectedError) {
          const examples = err.rejected.slice(0, 5).map((r) => `${r.path}: ${r.reason}`);
          throw new UnprocessableEntityException(`body: ${err.message}${examples.length ? ` (${examples.join('; ')})` : ''}`);
        }
        throw err;
      }
      return await this.measure(run.id, step, run.input, query, seed, memory, imagesOf(manifest), { archive: { rejected: manifest.rejected } });
    } finally {
      await spooled.cleanup();
    }
  }

  private async measure(
    runId: string,
    step: number,
    runInput: TrainingRunInput,
    query: EvaluateParams,
    seed: number,
    store: ObjectStore,
    images: LabelledImage[],
    source: EvaluationReport['source'],
  ): Promise<EvaluationReport> {
    const field = 'datasetId' in source ? 'query.datasetId' : 'body';
    if (images.length > MAX_EVALUATION_IMAGES) throw new UnprocessableEntityException(`${field}: ${images.length} images; an evaluation takes at most ${MAX_EVALUATION_IMAGES}`);
    const identities = new Set(images.map((i) => i.identity));
    const counts = new Map<string, number>();
    for (const image of images) counts.set(image.identity, (counts.get(image.identity) ?? 0) + 1);
    if (identities.size < 2 || ![...counts.values()].some((n) => n >= 2)) {
      throw new UnprocessableEntityException(`${field}: an evaluation needs at least 2 identities and one identity with 2 or more images`);
    }
    const faces: { field: string; bytes: Uint8Array }[] = [];
    for (const image of images) faces.push({ field: `${field} image of ${image.identity}`, bytes: await store.get(image.key) });
    return this.models.withCheckpoint(runId, step, async (checkpoint) => {
      const embeddings = await embedFaceImages(checkpoint, faces);
      const decision = await this.thresholds.resolve(checkpoint, async () => runInput, query.far);
      const labels = images.map((i) => i.identity);
      const { same, different } = pairDistances(embeddings, labels, checkpoint.distance);
      const metrics = verificationMetrics(same, different);
      const identification = openSetIdentification(
        embeddings.map((embedding, i) => ({ identity: labels[i], embedding })),
        { seed, threshold: decision.threshold, metric: checkpoint.distance },
      );
      return {
        runId,
        step,
        source,
        identities: identities.size,
        images: images.length,
        distanceMetric: checkpoint.distance,
        threshold: decision.threshold,
        thresholdSource: decision.source,
        verification: {
          rocAuc: metrics.rocAuc,
          eer: metrics.eer,
          eerThreshold: metrics.eerThreshold,
          accuracy: accuracyAtThreshold(same, different, decision.threshold),
          tarAtFar: metrics.tarAtFar,
          samePairs: metrics.samePairs,
          differentPairs: metrics.differentPairs,
        },
        identification: { ...identification, seed },
      };
    });
  }
}

/** Images in manifest order (identities sorted by name, images in archive order: "first image" is stable). */
function imagesOf(manifest: DatasetManifest): LabelledImage[] {
  return manifest.identities.flatMap((identity) => identity.images.map((image) => ({ identity: identity.name, key: image.key })));
}
