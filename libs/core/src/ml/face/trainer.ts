/**
 * The triplet-loss training loop over an in-memory dataset: P×K batches with seeded
 * augmentation, online mining, Adam, held-out evaluation, checkpoints, collapse detection.
 * Between steps it awaits a macrotask, so the event loop (lock renewals, cancellation)
 * keeps running. A run resumed from a checkpoint continues the same data order,
 * augmentation and optimizer state, and reaches the same weights as an uninterrupted run.
 */
import * as tf from '@tensorflow/tfjs';

import { initialiseBackboneHead } from './backbone-head-init';
import { recalibrateBatchNormalization } from './batch-norm-recalibration';
import { detectCollapse, StepHealth } from './collapse-detector';
import { buildEmbeddingModel } from './embedding-model';
import { evaluateVerification } from './evaluation';
import { augmentFace } from './face-augmentation';
import { FaceSample } from './face-sample';
import { restoreModel, restoreOptimizer, snapshotModel, snapshotOptimizer } from './model-artifacts';
import { PkSampler } from './pk-sampler';
import { SeededRandom } from './seeded-random';
import { FaceTrainingConfig } from './training-config';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  EvaluationRecord,
  StepRecord,
  TrainingCheckpoint,
} from './training-checkpoint';
import { decodeTripletStats, tripletLoss } from './triplet-loss';
import { vggBackboneWeights } from './vgg-backbone';

export interface TrainingData {
  train: readonly FaceSample[];
  /** Held-out identities (may be empty: no evaluation, no threshold). */
  validation: readonly FaceSample[];
}

export interface TrainerCallbacks {
  /** After every optimizer step. */
  onStep?(record: StepRecord): void | Promise<void>;
  /** After every held-out evaluation (every `evalEvery` steps and at the end). */
  onEvaluation?(record: EvaluationRecord): void | Promise<void>;
  /** With every checkpoint (every `checkpointEvery` steps, and when the run completes or stops). */
  onCheckpoint?(checkpoint: TrainingCheckpoint): void | Promise<void>;
  /** Polled before every step; true ends the run with a checkpoint. */
  shouldStop?(): boolean | Promise<boolean>;
}

export type TrainingStatus = 'completed' | 'stopped' | 'collapsed';

export interface TrainingResult {
  status: TrainingStatus;
  /** Why a collapsed run was stopped. */
  reason: string | null;
  step: number;
  /** The final checkpoint (null for a collapsed run: its weights are not worth keeping). */
  checkpoint: TrainingCheckpoint | null;
  lastEvaluation: EvaluationRecord | null;
}

interface TrainerState {
  step: number;
  sampler: PkSampler;
  augmentationRng: SeededRandom;
  lossHistory: StepRecord[];
  evaluations: EvaluationRecord[];
}

export class EmbeddingTrainer {
  private readonly trainableVariables: tf.Variable[];
  private readonly imageLength: number;
  private lastCheckpoint: TrainingCheckpoint | null = null;
  /** A new pretrained-backbone run sets its standardisation and projection before the first step. */
  private headInitPending = false;

  private constructor(
    readonly config: FaceTrainingConfig,
    private readonly data: TrainingData,
    private readonly trainIdentities: string[],
    readonly model: tf.LayersModel,
    private readonly optimizer: tf.AdamOptimizer,
    private readonly state: TrainerState,
  ) {
    this.trainableVariables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { inputSize, channels } = config.preprocessing;
    this.imageLength = inputSize * inputSize * channels;
  }

  /**
   * A new run from freshly initialised weights. A `vgg19`-backbone run needs the loaded VGG19
   * (`loadVggModel`; only read here, not kept); its head is initialised when the run starts.
   */
  static create(config: FaceTrainingConfig, data: TrainingData, vgg?: tf.LayersModel): EmbeddingTrainer {
    const { trainIdentities, labels } = validateData(config, data);
    const { options } = config;
    const sampler = new PkSampler(labels, { ...options.sampler, seed: options.seed });
    const pretrained = config.model.backbone === 'vgg19';
    if (pretrained && !vgg) throw new Error("a training run with backbone 'vgg19' needs the VGG19 model");
    const backboneWeights = pretrained && vgg ? vggBackboneWeights(vgg) : undefined;
    const model = buildEmbeddingModel(
      config.model,
      backboneWeights && { weights: backboneWeights, normalization: config.preprocessing.normalization },
    );
    backboneWeights?.forEach((pair) => tf.dispose(pair));
    const optimizer = tf.train.adam(options.optimizer.learningRate);
    const trainer = new EmbeddingTrainer(config, data, trainIdentities, model, optimizer, {
      step: 0,
      sampler,
      augmentationRng: new SeededRandom(options.seed ^ 0x0a06),
      lossHistory: [],
      evaluations: [],
    });
    trainer.headInitPending = pretrained;
    return trainer;
  }

  /** Continues a run from a checkpoint, with the same training data. */
  static async resume(checkpoint: TrainingCheckpoint, data: TrainingData): Promise<EmbeddingTrainer> {
    if (checkpoint.format !== CHECKPOINT_FORMAT || checkpoint.version !== CHECKPOINT_VERSION) {
      throw new Error(`not a v${CHECKPOINT_VERSION} face-embedding checkpoint: ${checkpoint.format} v${checkpoint.version}`);
    }
    const { config } = checkpoint;
    const { trainIdentities, labels } = validateData(config, data);
    if (
      trainIdentities.join('\n') !== checkpoint.trainIdentities.join('\n') ||
      data.train.length !== checkpoint.trainSamples
    ) {
      throw new Error(
        `resume needs the training data of the checkpoint (${checkpoint.trainIdentities.length} identities, ` +
          `${checkpoint.trainSamples} images), got ${trainIdentities.length} identities, ${data.train.length} images`,
      );
    }
    const sampler = new PkSampler(labels, { ...config.options.sampler, seed: config.options.seed }, checkpoint.sampler);
    const model = await restoreModel(checkpoint.model);
    const optimizer = tf.train.adam(config.options.optimizer.learningRate);
    await restoreOptimizer(optimizer, checkpoint.optimizer);
    const trainer = new EmbeddingTrainer(config, data, trainIdentities, model, optimizer, {
      step: checkpoint.step,
      sampler,
      augmentationRng: new SeededRandom(checkpoint.augmentationRng),
      lossHistory: checkpoint.lossHistory.slice(),
      evaluations: checkpoint.evaluations.slice(),
    });
    trainer.lastCheckpoint = checkpoint;
    return trainer;
  }

  /** Optimizer steps completed. */
  get step(): number {
    return this.state.step;
  }

  get lossHistory(): readonly StepRecord[] {
    return this.state.lossHistory;
  }

  /** Trains until `options.steps`, `shouldStop()` or a detected collapse. */
  async run(callbacks: TrainerCallbacks = {}): Promise<TrainingResult> {
    const { steps, evalEvery, checkpointEvery } = this.config.options;
    await this.initialiseHeadIfPending();
    while (this.state.step < steps) {
      if (await callbacks.shouldStop?.()) return this.finish('stopped', null, callbacks);
      const record = await this.trainStep();
      await callbacks.onStep?.(record);
      const collapse = this.checkCollapse();
      if (collapse) return this.finish('collapsed', collapse, callbacks);
      const step = this.state.step;
      if (step < steps && step % evalEvery === 0) await this.evaluateAndReport(callbacks);
      if (step < steps && step % checkpointEvery === 0) await callbacks.onCheckpoint?.(await this.checkpoint());
      await yieldToEventLoop();
    }
    return this.finish('completed', null, callbacks);
  }

  /**
   * Held-out verification metrics of the current weights (null without validation data).
   * With `evaluation.recalibrateBatchNorm`, first re-estimates the model's batch-norm
   * statistics from the clean training images (weights are not changed).
   */
  async evaluate(): Promise<EvaluationRecord | null> {
    if (this.data.validation.length === 0) return null;
    const { loss } = this.config.options;
    const { targetFar, batchSize, flipAverage, recalibrateBatchNorm } = this.config.evaluation;
    if (recalibrateBatchNorm) {
      await recalibrateBatchNormalization(
        this.model,
        this.data.train.map((s) => s.pixels),
        batchSize,
      );
    }
    const metrics = await evaluateVerification(this.model, this.data.validation, {
      distance: loss.distance,
      targetFar: targetFar ?? undefined,
      batchSize,
      flipAverage,
    });
    return { step: this.state.step, metrics };
  }

  /**
   * For a new pretrained-backbone run: standardisation statistics and a principal-component
   * projection from the clean training images (backbone-head-init.ts). Runs once, before step 1;
   * a resumed run has them in its checkpoint.
   */
  async initialiseHeadIfPending(): Promise<void> {
    if (!this.headInitPending) return;
    await initialiseBackboneHead(
      this.model,
      this.data.train.map((s) => s.pixels),
      this.config.options.seed,
    );
    this.headInitPending = false;
  }

  /** A snapshot of the whole run state at the current step. */
  async checkpoint(): Promise<TrainingCheckpoint> {
    if (this.lastCheckpoint?.step === this.state.step) return this.lastCheckpoint;
    const lastEvaluation = this.state.evaluations[this.state.evaluations.length - 1];
    this.lastCheckpoint = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      step: this.state.step,
      config: this.config,
      model: await snapshotModel(this.model),
      optimizer: await snapshotOptimizer(this.optimizer),
      sampler: this.state.sampler.state(),
      augmentationRng: this.state.augmentationRng.state(),
      trainIdentities: this.trainIdentities,
      trainSamples: this.data.train.length,
      lossHistory: this.state.lossHistory.slice(),
      evaluations: this.state.evaluations.slice(),
      threshold: lastEvaluation ? lastEvaluation.metrics.threshold : null,
    };
    return this.lastCheckpoint;
  }

  /** Frees the model's and the optimizer's tensors. */
  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }

  private async trainStep(): Promise<StepRecord> {
    const started = performance.now();
    const { options, preprocessing, augmentation, warmup } = this.config;
    const { inputSize, channels } = preprocessing;
    const { indices, labels } = this.state.sampler.nextBatch();
    const pixels = new Float32Array(indices.length * this.imageLength);
    indices.forEach((sampleIndex, i) => {
      const augmented = augmentFace(this.data.train[sampleIndex].pixels, inputSize, channels, augmentation, this.state.augmentationRng);
      pixels.set(augmented, i * this.imageLength);
    });
    const step = this.state.step;
    const mining = step < warmup.steps ? warmup.mining : options.loss.mining;
    const learningRate = options.optimizer.learningRate / (1 + options.optimizer.decay * step);
    // Adam reads its learning rate on every update; TF.js has no public setter.
    (this.optimizer as unknown as { learningRate: number }).learningRate = learningRate;

    let stats: tf.Tensor1D | undefined;
    const loss = tf.tidy(() => {
      const x = tf.tensor4d(pixels, [indices.length, inputSize, inputSize, channels]);
      const y = tf.tensor1d(labels, 'int32');
      return this.optimizer.minimize(
        () => {
          const embeddings = this.model.apply(x, { training: true }) as tf.Tensor2D;
          const output = tripletLoss(embeddings, y, { ...options.loss, mining });
          stats = tf.keep(output.stats);
          return output.loss;
        },
        true,
        this.trainableVariables,
      ) as tf.Scalar;
    });
    const [lossValue] = await loss.data();
    const statValues = stats ? await stats.data() : new Float32Array();
    tf.dispose([loss, stats as tf.Tensor1D]);

    this.state.step = step + 1;
    const record: StepRecord = {
      step: this.state.step,
      loss: lossValue,
      learningRate,
      mining,
      ...decodeTripletStats(statValues),
      stepMs: performance.now() - started,
    };
    this.state.lossHistory.push(record);
    return record;
  }

  private checkCollapse(): string | null {
    const { margin, softMargin } = this.config.options.loss;
    const window: StepHealth[] = this.state.lossHistory.slice(-this.config.collapse.window);
    return detectCollapse(window, { ...this.config.collapse, margin, softMargin });
  }

  private async evaluateAndReport(callbacks: TrainerCallbacks): Promise<EvaluationRecord | null> {
    const record = await this.evaluate();
    if (record) {
      this.state.evaluations.push(record);
      await callbacks.onEvaluation?.(record);
    }
    return record;
  }

  private async finish(status: TrainingStatus, reason: string | null, callbacks: TrainerCallbacks): Promise<TrainingResult> {
    let checkpoint: TrainingCheckpoint | null = null;
    if (status !== 'collapsed') {
      const lastEvaluation = this.state.evaluations[this.state.evaluations.length - 1];
      if (status === 'completed' && lastEvaluation?.step !== this.state.step) await this.evaluateAndReport(callbacks);
      const alreadyDelivered = this.lastCheckpoint?.step === this.state.step;
      checkpoint = await this.checkpoint();
      if (!alreadyDelivered) await callbacks.onCheckpoint?.(checkpoint);
    }
    const evaluations = this.state.evaluations;
    return {
      status,
      reason,
      step: this.state.step,
      checkpoint,
      lastEvaluation: evaluations.length > 0 ? evaluations[evaluations.length - 1] : null,
    };
  }
}

/** Checks the data against the config and assigns labels (identity index in sorted order). */
function validateData(config: FaceTrainingConfig, data: TrainingData): { trainIdentities: string[]; labels: number[] } {
  const { inputSize, channels } = config.preprocessing;
  const expected = inputSize * inputSize * channels;
  for (const [name, samples] of [['train', data.train], ['validation', data.validation]] as const) {
    samples.forEach((s, i) => {
      if (s.pixels.length !== expected) {
        throw new RangeError(`${name} image ${i} (${s.identity}) has ${s.pixels.length} values, expected ${inputSize}×${inputSize}×${channels}`);
      }
    });
  }
  const trainIdentities = Array.from(new Set(data.train.map((s) => s.identity))).sort();
  const labelOf = new Map(trainIdentities.map((id, i) => [id, i]));
  if (data.validation.length > 0) {
    const counts = new Map<string, number>();
    for (const s of data.validation) counts.set(s.identity, (counts.get(s.identity) ?? 0) + 1);
    if (counts.size < 2 || ![...counts.values()].some((n) => n >= 2)) {
      throw new RangeError('validation data needs at least 2 identities and one identity with 2 or more images');
    }
  }
  return { trainIdentities, labels: data.train.map((s) => labelOf.get(s.identity) as number) };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
