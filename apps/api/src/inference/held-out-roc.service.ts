import { ConflictException, Inject, Injectable } from '@nestjs/common';
import {
  DatasetManifest,
  DistanceMetric,
  equalErrorRate,
  ObjectNotFoundError,
  ObjectStore,
  objectKey,
  operatingPointAtFar,
  pairDistances,
  rocAuc,
  RocPoint,
  rocCurve,
} from '@facestyle/core';
import { OBJECT_STORE } from '../infrastructure/tokens';
import { LoadedCheckpoint } from './embedding-model-cache';
import { embedFaceImages } from './face-embedding';
import { rocOperatingPoints } from './roc-operating-points';
import { TrainingRunInput } from './run-checkpoints';
import { seededSample } from './seeded-shuffle';

/** A checkpoint's verification ROC on its run's held-out identities, as stored in `roc.json`. */
export interface HeldOutRoc {
  runId: string;
  step: number;
  /** The weights this curve was measured with; a curve for other weights is recomputed. */
  weightsSha256: string;
  distance: DistanceMetric;
  identities: string[];
  images: number;
  samePairs: number;
  differentPairs: number;
  rocAuc: number;
  eer: number;
  eerThreshold: number;
  tarAtFar: { '1e-2': number; '1e-3': number };
  /** Every operating point a FAR target can select (see roc-operating-points.ts), by increasing threshold. */
  points: RocPoint[];
  computedAt: string;
}

/**
 * Held-out images used for one curve: all of them up to this many (the worker's evaluation uses
 * all; AT&T-sized held-out sets are far below it), else a seeded sample, keeping the pair count
 * (n²/2) and the time in the API process bounded.
 */
const MAX_HELD_OUT_IMAGES = 1000;

/**
 * The held-out ROC of a checkpoint, for thresholds at a target FAR. The worker stores only the
 * EER threshold per checkpoint, so the curve is measured here at first use, from the run's
 * held-out identities in its dataset with the checkpoint's own preprocessing, and cached as
 * `runs/<id>/checkpoints/<step>/roc.json` (removed with the checkpoint by retention).
 */
@Injectable()
export class HeldOutRocService {
  private readonly computing = new Map<string, Promise<HeldOutRoc>>();

  constructor(@Inject(OBJECT_STORE) private readonly store: ObjectStore) {}

  /**
   * The stored curve, or a new one measured with `checkpoint` (whose model must stay loaded
   * until this settles). `runInput` gives the run's input (dataset, held-out names), read only
   * when the curve must be measured; without it only a stored curve can be returned.
   */
  async get(checkpoint: LoadedCheckpoint, runInput: () => Promise<TrainingRunInput | undefined>): Promise<HeldOutRoc> {
    const key = objectKey('runs', checkpoint.runId, 'checkpoints', checkpoint.step, 'roc.json');
    const stored = await this.read(key);
    if (stored && stored.weightsSha256 === checkpoint.weightsSha256) return stored;
    const run = await runInput();
    if (!run) throw new ConflictException(`the held-out ROC of training run ${checkpoint.runId} at step ${checkpoint.step} is not stored, and the run's record (its dataset and held-out identities) is gone`);
    let pending = this.computing.get(key);
    if (!pending) {
      pending = this.compute(checkpoint, run)
        .then(async (roc) => {
          await this.store.put(key, Buffer.from(JSON.stringify(roc)), { contentType: 'application/json' });
          return roc;
        })
        .finally(() => this.computing.delete(key));
      this.computing.set(key, pending);
    }
    return pending;
  }

  private async read(key: string): Promise<HeldOutRoc | undefined> {
    try {
      return JSON.parse((await this.store.get(key)).toString()) as HeldOutRoc;
    } catch (err) {
      if (err instanceof ObjectNotFoundError || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  private async compute(checkpoint: LoadedCheckpoint, run: TrainingRunInput): Promise<HeldOutRoc> {
    const names = run.options.validation.identities;
    if (!Array.isArray(names) || names.length < 2) {
      throw new ConflictException(`training run ${checkpoint.runId} has no held-out identities to measure a ROC curve on`);
    }
    let manifest: DatasetManifest;
    try {
      manifest = JSON.parse((await this.store.get(objectKey('datasets', run.datasetId, 'manifest.json'))).toString()) as DatasetManifest;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) {
        throw new ConflictException(`the held-out ROC of training run ${checkpoint.runId} needs its dataset ${run.datasetId}, which no longer exists`);
      }
      throw err;
    }
    const held = new Set(names);
    const all = manifest.identities.filter((i) => held.has(i.name)).flatMap((i) => i.images.map((image) => ({ identity: i.name, key: image.key })));
    const images = all.length > MAX_HELD_OUT_IMAGES ? seededSample(all, MAX_HELD_OUT_IMAGES, 1) : all;
    const faces: { field: string; bytes: Uint8Array }[] = [];
    for (const image of images) faces.push({ field: `held-out image ${image.key}`, bytes: await this.store.get(image.key) });
    const embeddings = await embedFaceImages(checkpoint, faces);
    const { same, different } = pairDistances(embeddings, images.map((i) => i.identity), checkpoint.distance);
    if (same.length === 0 || different.length === 0) {
      throw new ConflictException(`training run ${checkpoint.runId}: the held-out images form no same-identity or no different-identity pairs`);
    }
    const roc = rocCurve(same, different);
    const eer = equalErrorRate(roc);
    return {
      runId: checkpoint.runId,
      step: checkpoint.step,
      weightsSha256: checkpoint.weightsSha256,
      distance: checkpoint.distance,
      identities: [...new Set(images.map((i) => i.identity))].sort(),
      images: images.length,
      samePairs: same.length,
      differentPairs: different.length,
      rocAuc: rocAuc(same, different),
      eer: eer.eer,
      eerThreshold: eer.threshold,
      tarAtFar: { '1e-2': operatingPointAtFar(roc, 1e-2).tar, '1e-3': operatingPointAtFar(roc, 1e-3).tar },
      points: rocOperatingPoints(roc, different.length),
      computedAt: new Date().toISOString(),
    };
  }
}
