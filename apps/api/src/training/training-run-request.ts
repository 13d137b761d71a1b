import { z } from 'zod';
import { trainingRunOptionsSchema } from '@facestyle/core';

/** Body of POST /v1/training-runs: the run options plus the dataset and a queue priority. */
export const trainingRunRequestSchema = trainingRunOptionsSchema
  .extend({
    datasetId: z.string().regex(/^ds_[A-Za-z0-9]{20}$/, 'expected a dataset id (ds_…)'),
    /** BullMQ priority: 1 is the highest; unset = normal FIFO. */
    priority: z.number().int().min(1).max(2_097_152).optional(),
  })
  .strict();

export type TrainingRunRequest = z.infer<typeof trainingRunRequestSchema>;
