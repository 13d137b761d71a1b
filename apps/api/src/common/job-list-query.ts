import { z } from 'zod';

/** `?status=&limit=&offset=` of every job listing (training runs, renders). */
export const JobListQuery = z
  .object({
    status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    offset: z.coerce.number().int().min(0).optional(),
  })
  .strict();
// A distinct type name: decorator metadata must not point at the schema value.
export type JobListParams = z.infer<typeof JobListQuery>;
