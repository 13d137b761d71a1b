import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { farParam, numberParam } from '../inference/inference-query';

/** A checkpoint in a JSON body: a step number, `latest` or `best`. */
const checkpointSelectorBody = z.union([z.number().int().min(0), z.enum(['latest', 'best'])], {
  errorMap: () => ({ message: 'expected a step number, "latest" or "best"' }),
});

export const CreateGalleryBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    runId: z.string().regex(/^run_[A-Za-z0-9]{20}$/, 'expected a training run id (run_…)'),
    /** The checkpoint whose embeddings the gallery uses (default: the run's best). */
    step: checkpointSelectorBody.optional(),
  })
  .strict();
export type CreateGalleryRequest = z.infer<typeof CreateGalleryBody>;

export const ReembedBody = z.object({ step: checkpointSelectorBody.optional() }).strict();
export type ReembedRequest = z.infer<typeof ReembedBody>;

export const IdentifyQuery = z
  .object({
    /** How many nearest identities to list (default 5). */
    k: numberParam(1, 100, 'an integer', true).optional(),
    far: farParam.optional(),
  })
  .strict();
export type IdentifyParams = z.infer<typeof IdentifyQuery>;

export const GalleryListQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(500).optional(), offset: z.coerce.number().int().min(0).optional() })
  .strict();
export type GalleryListParams = z.infer<typeof GalleryListQuery>;

// C0 and C1 control characters and DEL.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Identity names come from the URL: 1–128 characters, no "/" (it would change the route) and no
 * control characters. They are never used in storage keys (GalleryStorage hashes them).
 */
export function validIdentityName(raw: string): string {
  const length = [...raw].length;
  if (length < 1 || length > 128 || raw.includes('/') || CONTROL.test(raw)) {
    throw new BadRequestException('params.identity: expected 1 to 128 characters without "/" or control characters');
  }
  return raw;
}
