import { z } from 'zod';
import { CheckpointSelector } from './run-checkpoints';

/** `step`: a checkpoint step, `latest` or `best`. */
export const checkpointSelectorParam = z
  .string()
  .regex(/^(\d{1,9}|latest|best)$/, 'expected a step number, "latest" or "best"')
  .transform((value): CheckpointSelector => (/^\d+$/.test(value) ? Number(value) : (value as 'latest' | 'best')));

/** A number in a query string, with its range in the message. */
export function numberParam(min: number, max: number, what: string, integer = false) {
  return z
    .string()
    .trim()
    .refine((value) => {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return false;
      const n = Number(value);
      return n >= min && n <= max && (!integer || Number.isInteger(n));
    }, `expected ${what} from ${min} to ${max}`)
    .transform(Number);
}

/** `far`: pick the threshold for this false-accept rate on the checkpoint's held-out ROC. */
export const farParam = numberParam(0, 1, 'a false-accept rate');

export const VerifyQuery = z.object({ step: checkpointSelectorParam.optional(), far: farParam.optional() }).strict();
export type VerifyParams = z.infer<typeof VerifyQuery>;

export const EmbedQuery = z.object({ step: checkpointSelectorParam.optional() }).strict();
export type EmbedParams = z.infer<typeof EmbedQuery>;

export const EvaluateQuery = z
  .object({
    step: checkpointSelectorParam.optional(),
    far: farParam.optional(),
    datasetId: z.string().regex(/^ds_[A-Za-z0-9]{20}$/, 'expected a dataset id (ds_…)').optional(),
    /** Seeds which identities are left out of the gallery in the open-set test. */
    seed: numberParam(0, 2 ** 31 - 1, 'an integer', true).optional(),
  })
  .strict();
export type EvaluateParams = z.infer<typeof EvaluateQuery>;
