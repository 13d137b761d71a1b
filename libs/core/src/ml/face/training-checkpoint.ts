/**
 * Everything needed to continue a run exactly where it stopped, and to serve its model:
 * weights and topology, optimizer state, step, sampler and augmentation RNG state, the
 * resolved config, and the loss/evaluation history (with the chosen threshold).
 */
import { FaceTrainingConfig } from './training-config';
import { ModelSnapshot, OptimizerSnapshot } from './model-artifacts';
import { PkSamplerState } from './pk-sampler';
import { RandomState } from './seeded-random';
import { TripletStats } from './triplet-loss';
import { MiningStrategy } from './triplet-miners';
import { VerificationMetrics } from './verification-metrics';

export const CHECKPOINT_FORMAT = 'facestyle-face-embedding-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface StepRecord extends TripletStats {
  step: number;
  loss: number;
  learningRate: number;
  mining: MiningStrategy;
  /** Wall time of the step, including data preparation. */
  stepMs: number;
}

export interface EvaluationRecord {
  step: number;
  metrics: VerificationMetrics;
}

export interface TrainingCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  /** Optimizer steps completed. */
  step: number;
  config: FaceTrainingConfig;
  model: ModelSnapshot;
  optimizer: OptimizerSnapshot;
  sampler: PkSamplerState;
  augmentationRng: RandomState;
  /** Training identities in label order, and their sample count: a resume must see the same data. */
  trainIdentities: string[];
  trainSamples: number;
  lossHistory: StepRecord[];
  evaluations: EvaluationRecord[];
  /** Verification threshold from the latest evaluation (null before the first one). */
  threshold: number | null;
}
