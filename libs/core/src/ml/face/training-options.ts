/**
 * Options of a face-embedding training run, as accepted by `POST /v1/training-runs`
 * (the request adds `datasetId` and `priority`, which the job contract owns). Every field
 * but `steps` is optional; the defaults are a configuration that trains on AT&T-sized data
 * without the batch-hard collapse described in DESIGN.md (see `DEFAULT_TRAINING_OPTIONS`).
 */
import { z } from 'zod';
import { VGG_BACKBONE_FEATURES, VGG_BACKBONE_INPUT_MULTIPLE } from './vgg-backbone';

const positiveInt = z.number().int().positive();

export const trainingRunOptionsSchema = z
  .object({
    /** Optimizer steps to run. */
    steps: positiveInt.max(10_000_000),
    model: z
      .object({
        /**
         * `none`: a CNN trained from scratch. `vgg19`: frozen ImageNet VGG19 features (up to
         * block3_conv4, from the worker's VGG19_MODEL_URL) with a trained projection — far better
         * on small datasets (see vgg-backbone.ts); inputSize must then be a multiple of 8.
         */
        backbone: z.enum(['none', 'vgg19']).default('none'),
        /** Square input side in pixels (images are resized to cover it and centre-cropped). */
        inputSize: z.number().int().min(16).max(512).default(64),
        /** 1 = greyscale, 3 = RGB. */
        channels: z.union([z.literal(1), z.literal(3)]).default(1),
        embeddingDim: z.number().int().min(2).max(2048).default(64),
      })
      .strict()
      .superRefine((model, ctx) => {
        if (model.backbone === 'vgg19' && model.inputSize % VGG_BACKBONE_INPUT_MULTIPLE !== 0) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['inputSize'],
            message: `must be a multiple of ${VGG_BACKBONE_INPUT_MULTIPLE} with the vgg19 backbone (got ${model.inputSize})`,
          });
        }
        if (model.backbone === 'vgg19' && model.embeddingDim > VGG_BACKBONE_FEATURES) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['embeddingDim'],
            message: `must be at most ${VGG_BACKBONE_FEATURES} (the backbone's feature count) with the vgg19 backbone`,
          });
        }
      })
      .default({}),
    loss: z
      .object({
        /** Hinge margin m in L = max(d(a,p) − d(a,n) + m, 0). Distances of unit vectors lie in [0, 2]. */
        margin: z.number().positive().max(2).default(0.2),
        /**
         * How triplets are mined from each P×K batch. `batch-hard` runs start with a batch-all
         * warm-up (see training-config.ts), since batch-hard from a random start collapses.
         */
        mining: z.enum(['batch-hard', 'semi-hard', 'batch-all']).default('batch-all'),
        distance: z.enum(['euclidean', 'cosine']).default('euclidean'),
        /** softplus(d(a,p) − d(a,n)) instead of the hinge; `margin` then only marks "active" triplets in stats. */
        softMargin: z.boolean().default(false),
      })
      .strict()
      .default({}),
    sampler: z
      .object({
        /** P: identities per batch. */
        identitiesPerBatch: z.number().int().min(2).max(1024).default(8),
        /** K: images per identity per batch. */
        imagesPerIdentity: z.number().int().min(2).max(256).default(4),
      })
      .strict()
      .default({}),
    optimizer: z
      .object({
        /** Adam learning rate. */
        learningRate: z.number().positive().max(1).default(1e-3),
        /** Inverse-time decay: lr(step) = learningRate / (1 + decay · step). 0 = constant. */
        decay: z.number().min(0).default(0),
      })
      .strict()
      .default({}),
    /** Held-out identities for verification metrics and the threshold: a count or names, or a fraction. */
    validation: z
      .union([
        z.object({ identities: z.union([z.number().int().min(2), z.array(z.string().min(1)).min(2)]) }).strict(),
        z.object({ fraction: z.number().gt(0).lt(1) }).strict(),
      ])
      .default({ fraction: 0.25 }),
    /** Steps between checkpoints (a final one is always written). */
    checkpointEvery: positiveInt.default(500),
    /** Steps between held-out evaluations (a final one is always run). */
    evalEvery: positiveInt.default(250),
    /** Seeds weights, sampling, augmentation and the validation split. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  })
  .strict();

/** Options as sent (defaults optional). */
export type TrainingRunOptionsInput = z.input<typeof trainingRunOptionsSchema>;
/** Options after validation, every default filled in. */
export type TrainingRunOptions = z.output<typeof trainingRunOptionsSchema>;

/** Validates options and fills the defaults; throws a ZodError naming the bad field. */
export function parseTrainingRunOptions(input: unknown): TrainingRunOptions {
  return trainingRunOptionsSchema.parse(input);
}

/** The defaults, for documentation and tests (`steps` must still be given). */
export const DEFAULT_TRAINING_OPTIONS: Omit<TrainingRunOptions, 'steps'> = (() => {
  const { steps: _steps, ...rest } = trainingRunOptionsSchema.parse({ steps: 1 });
  return rest;
})();
