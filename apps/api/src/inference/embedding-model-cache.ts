import { ConflictException, Inject, Injectable, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import type * as tf from '@tensorflow/tfjs';
import {
  DistanceMetric,
  loadEmbeddingModel,
  ObjectNotFoundError,
  ObjectStore,
  objectKey,
  PreprocessingSpec,
  sha256,
} from '@facestyle/core';
import { BackendService } from '../health/backend.service';
import { OBJECT_STORE } from '../infrastructure/tokens';
import { LruCache } from './lru-cache';

/** A checkpoint's model ready for inference, with what it was trained with. */
export interface LoadedCheckpoint {
  runId: string;
  step: number;
  model: tf.LayersModel;
  /** Exactly the preprocessing of training (from model.json's metadata). */
  preprocessing: PreprocessingSpec;
  distance: DistanceMetric;
  /** Embed as L2(f(x) + f(mirrored x)), as the run's held-out evaluation did (model.json metadata). */
  flipAverage: boolean;
  /** Threshold stored with the checkpoint (from its latest held-out evaluation); null before any. */
  threshold: number | null;
  embeddingDim: number;
  /** SHA-256 of weights.bin: names these exact weights (a cached ROC curve is valid only for them). */
  weightsSha256: string;
}

interface CacheEntry {
  checkpoint: LoadedCheckpoint;
  /** Requests using the model right now: an evicted model is disposed only when the last one ends. */
  users: number;
  evicted: boolean;
  disposed: boolean;
}

function releaseIfUnused(entry: CacheEntry): void {
  if (entry.evicted && entry.users === 0 && !entry.disposed) {
    entry.disposed = true;
    entry.checkpoint.model.dispose();
  }
}

/**
 * Models kept loaded per (run, step). Small: each is a few MB of weights in the backend's memory,
 * and requests mostly hit one or two checkpoints (a gallery's, a run's best).
 */
const CACHED_MODELS = 4;

/**
 * Loads checkpoints (model.json + weights.bin, verified against the SHA-256 sums in state.json)
 * once and keeps the most recently used ones; evicted models are disposed, so the backend's
 * tensors stay bounded.
 */
@Injectable()
export class EmbeddingModelCache implements OnModuleDestroy {
  private readonly cache = new LruCache<string, CacheEntry>(CACHED_MODELS, (_key, entry) => {
    entry.evicted = true;
    releaseIfUnused(entry);
  });
  private readonly loading = new Map<string, Promise<CacheEntry>>();

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly backend: BackendService,
  ) {}

  /** Runs `use` with the checkpoint's model; the model stays loaded at least until `use` settles. */
  async withCheckpoint<T>(runId: string, step: number, use: (checkpoint: LoadedCheckpoint) => Promise<T>): Promise<T> {
    const entry = await this.acquire(runId, step);
    try {
      return await use(entry.checkpoint);
    } finally {
      entry.users--;
      releaseIfUnused(entry);
    }
  }

  onModuleDestroy(): void {
    this.cache.clear();
  }

  private async acquire(runId: string, step: number): Promise<CacheEntry> {
    const key = `${runId}@${step}`;
    for (;;) {
      const cached = this.cache.get(key);
      if (cached) {
        cached.users++;
        return cached;
      }
      let pending = this.loading.get(key);
      if (!pending) {
        pending = this.load(runId, step).finally(() => this.loading.delete(key));
        this.loading.set(key, pending);
      }
      const entry = await pending;
      // Evicted and released while this request waited: load it again.
      if (entry.disposed) continue;
      entry.users++;
      entry.evicted = false;
      if (this.cache.get(key) !== entry) this.cache.set(key, entry);
      return entry;
    }
  }

  private async load(runId: string, step: number): Promise<CacheEntry> {
    const backend = await this.backend.ready();
    if (!backend) throw new ServiceUnavailableException(`inference backend unavailable: ${this.backend.failure() ?? 'not started'}`);
    const read = (name: string) => this.store.get(objectKey('runs', runId, 'checkpoints', step, name));
    let files: Record<'model.json' | 'weights.bin' | 'state.json', Buffer>;
    try {
      files = { 'model.json': await read('model.json'), 'weights.bin': await read('weights.bin'), 'state.json': await read('state.json') };
    } catch (err) {
      if (err instanceof ObjectNotFoundError) {
        throw new ConflictException(`checkpoint ${step} of training run ${runId} is no longer stored (the run keeps its latest and best checkpoints)`);
      }
      throw err;
    }
    const state = JSON.parse(files['state.json'].toString()) as { sha256?: Record<string, string>; config?: { preprocessing?: PreprocessingSpec } };
    for (const name of ['model.json', 'weights.bin'] as const) {
      if (sha256(files[name]) !== state.sha256?.[name]) {
        throw new ConflictException(`checkpoint ${step} of training run ${runId} is corrupt: ${name} does not match its SHA-256 in state.json`);
      }
    }
    const { model, metadata } = await loadEmbeddingModel(files);
    const preprocessing = metadata.preprocessing ?? state.config?.preprocessing;
    if (!preprocessing) {
      model.dispose();
      throw new ConflictException(`checkpoint ${step} of training run ${runId} records no preprocessing`);
    }
    const output = model.outputs[0].shape;
    return {
      users: 0,
      evicted: false,
      disposed: false,
      checkpoint: {
        runId,
        step,
        model,
        preprocessing,
        distance: metadata.distance,
        // Checkpoints written before flip averaging existed have no such field: plain embeddings.
        flipAverage: metadata.flipAverage ?? false,
        threshold: metadata.threshold,
        embeddingDim: Number(output[output.length - 1]),
        weightsSha256: state.sha256!['weights.bin'],
      },
    };
  }
}
