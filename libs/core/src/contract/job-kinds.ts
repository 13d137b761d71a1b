/**
 * The one job contract shared by the API (producer) and the worker (consumer): queue names,
 * job names and payload schemas. A job kind is a queue; each queue carries one job name.
 */
import { z } from 'zod';
import { trainingRunOptionsSchema } from '../ml/face/training-options';
import { renderOptionsSchema } from '../ml/style/render-options';

export const JOB_KINDS = ['diagnostics-echo', 'render-style', 'training-run'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** BullMQ queue name per job kind (one queue per kind, so each can be scaled on its own). */
export const QUEUE_NAMES: Record<JobKind, string> = {
  'diagnostics-echo': 'diagnostics',
  'render-style': 'render',
  'training-run': 'training',
};

const tenantId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/);
const resourceId = z.string().regex(/^[a-z]+_[A-Za-z0-9]{10,40}$/);
const storageKey = z.string().regex(/^[A-Za-z0-9_=-][A-Za-z0-9._=/-]{0,1000}$/);

export const JOB_PAYLOAD_SCHEMAS = {
  'diagnostics-echo': z
    .object({
      tenant: tenantId,
      id: resourceId,
      message: z.string().max(10_000),
      /** Milliseconds the job holds the worker, to exercise long-job paths. */
      holdMs: z.number().int().min(0).max(60_000).default(0),
      /** Ends the processing process abruptly, to exercise the poison-job path (retries, then failed). */
      crash: z.boolean().default(false),
    })
    .strict(),
  'render-style': z
    .object({
      tenant: tenantId,
      id: resourceId,
      options: renderOptionsSchema,
      /** Storage keys of the checked input images (written by the API before enqueueing). */
      inputs: z.object({ content: storageKey, styles: z.array(storageKey).min(1).max(8) }).strict(),
    })
    .strict(),
  'training-run': z
    .object({
      tenant: tenantId,
      id: resourceId,
      datasetId: resourceId,
      /** Resolved options; `validation` names the held-out identities explicitly (chosen by the API). */
      options: trainingRunOptionsSchema,
    })
    .strict(),
} satisfies Record<JobKind, z.ZodTypeAny>;

export type JobPayload<K extends JobKind> = z.infer<(typeof JOB_PAYLOAD_SCHEMAS)[K]>;

/** Parses a payload with its kind's schema; throws a ZodError naming the field. */
export function parseJobPayload<K extends JobKind>(kind: K, data: unknown): JobPayload<K> {
  return JOB_PAYLOAD_SCHEMAS[kind].parse(data) as JobPayload<K>;
}
