import { UnrecoverableError } from 'bullmq';
import { ZodError } from 'zod';
import { JobKind, JobPayload, parseJobPayload } from '@facestyle/core';

/** Invalid job input can never succeed: fail it at once, without retries. */
export function parseJobInput<K extends JobKind>(kind: K, data: unknown): JobPayload<K> {
  try {
    return parseJobPayload(kind, data);
  } catch (err) {
    if (err instanceof ZodError) {
      throw new UnrecoverableError(`invalid ${kind} job input: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    throw err;
  }
}
