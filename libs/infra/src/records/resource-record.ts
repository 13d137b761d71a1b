import type { JobStatus } from '@facestyle/core';

/** Kinds of stored resources; jobs (runs, renders, diagnostics) and plain resources alike. */
export type ResourceKind = 'dataset' | 'training-run' | 'render' | 'gallery' | 'diagnostics';

/**
 * The record of one resource as the API shows it. `input` is what the client asked for
 * (immutable), `progress` is written by the worker while the job runs, `result` when it ends.
 */
export interface ResourceRecord<Input = unknown, Progress = unknown, Result = unknown> {
  id: string;
  tenant: string;
  kind: ResourceKind;
  status: JobStatus | 'ready';
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
  error?: string;
  cancelRequested: boolean;
  input: Input;
  progress?: Progress;
  result?: Result;
}

export interface RecordPatch<Progress = unknown, Result = unknown> {
  status?: ResourceRecord['status'];
  startedAt?: string;
  finishedAt?: string;
  attempts?: number;
  error?: string | null;
  progress?: Progress;
  result?: Result;
}
