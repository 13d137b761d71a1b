import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PreprocessingSpec, vectorDistance } from '@facestyle/core';
import { DecisionThreshold, DecisionThresholds } from './decision-thresholds';
import { EmbeddingModelCache } from './embedding-model-cache';
import { embedFaceImages } from './face-embedding';
import { readFaceImages } from './face-image-upload';
import { HeldOutRoc, HeldOutRocService } from './held-out-roc.service';
import { EmbedParams, VerifyParams } from './inference-query';
import { CheckpointSelector, RunCheckpoints } from './run-checkpoints';

export interface VerificationResult {
  match: boolean;
  distance: number;
  threshold: number;
  step: number;
  distanceMetric: string;
  thresholdSource: DecisionThreshold['source'];
  /** With `?far=`: held-out FAR and TAR at the threshold used. */
  heldOut?: DecisionThreshold['heldOut'];
}

export interface EmbeddingResult {
  embedding: number[];
  step: number;
  distanceMetric: string;
  preprocessing: PreprocessingSpec;
}

/** 1:1 verification and embeddings with a training run's checkpoint, in the API process. */
@Injectable()
export class InferenceService {
  constructor(
    private readonly runs: RunCheckpoints,
    private readonly models: EmbeddingModelCache,
    private readonly thresholds: DecisionThresholds,
    private readonly rocs: HeldOutRocService,
  ) {}

  async verify(tenant: string, runId: string, query: VerifyParams, request: Request): Promise<VerificationResult> {
    const run = await this.runs.run(tenant, runId);
    const step = this.runs.resolveStep(run, query.step);
    const parts = await readFaceImages(request, { imageA: { max: 1 }, imageB: { max: 1 } });
    return this.models.withCheckpoint(runId, step, async (checkpoint) => {
      const [a, b] = await embedFaceImages(
        checkpoint,
        [...parts.imageA, ...parts.imageB].map((p) => ({ field: p.field, bytes: p.image.bytes })),
      );
      const distance = vectorDistance(a, b, checkpoint.distance);
      const decision = await this.thresholds.resolve(checkpoint, async () => run.input, query.far);
      return {
        match: distance <= decision.threshold,
        distance,
        threshold: decision.threshold,
        step,
        distanceMetric: checkpoint.distance,
        thresholdSource: decision.source,
        ...(decision.heldOut ? { heldOut: decision.heldOut } : {}),
      };
    });
  }

  async embed(tenant: string, runId: string, query: EmbedParams, request: Request): Promise<EmbeddingResult> {
    const run = await this.runs.run(tenant, runId);
    const step = this.runs.resolveStep(run, query.step);
    const parts = await readFaceImages(request, { image: { max: 1 } });
    return this.models.withCheckpoint(runId, step, async (checkpoint) => {
      const [embedding] = await embedFaceImages(checkpoint, [{ field: 'image', bytes: parts.image[0].image.bytes }]);
      return { embedding: Array.from(embedding), step, distanceMetric: checkpoint.distance, preprocessing: checkpoint.preprocessing };
    });
  }

  /** The checkpoint's held-out ROC (measured at first use, then stored). */
  async heldOutRoc(tenant: string, runId: string, selector: CheckpointSelector | undefined): Promise<HeldOutRoc> {
    const run = await this.runs.run(tenant, runId);
    const step = this.runs.resolveStep(run, selector);
    return this.models.withCheckpoint(runId, step, (checkpoint) => this.rocs.get(checkpoint, async () => run.input));
  }
}
