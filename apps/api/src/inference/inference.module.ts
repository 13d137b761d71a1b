import { Module } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { DecisionThresholds } from './decision-thresholds';
import { EmbeddingModelCache } from './embedding-model-cache';
import { EvaluationService } from './evaluation.service';
import { HeldOutRocService } from './held-out-roc.service';
import { InferenceController } from './inference.controller';
import { InferenceService } from './inference.service';
import { RunCheckpoints } from './run-checkpoints';

/**
 * Inference with trained runs in the API process: verify, embed, evaluate and held-out ROC
 * routes, and the model cache and thresholds that galleries share. The TF.js backend is the one
 * the health module starts.
 */
@Module({
  imports: [HealthModule],
  controllers: [InferenceController],
  providers: [RunCheckpoints, EmbeddingModelCache, HeldOutRocService, DecisionThresholds, InferenceService, EvaluationService],
  exports: [RunCheckpoints, EmbeddingModelCache, HeldOutRocService, DecisionThresholds],
})
export class InferenceModule {}
