import { ResourceRecord } from '@facestyle/infra';

/** What the worker writes to a render's record while it runs. */
export interface RenderProgress {
  iteration: number;
  iterations: number;
  losses?: { content: number; style: number; tv: number; total: number };
  secondsPerIteration?: number;
  etaSeconds?: number;
  stage?: number;
  shape?: [number, number];
  previews?: number[];
  /** Set when a retried render continued from a saved state at this iteration. */
  resumedFrom?: number;
}

export interface RenderResultRecord {
  width?: number;
  height?: number;
  cancelled?: boolean;
}

export interface RenderView {
  id: string;
  status: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
  iteration: number;
  iterations: number;
  losses: RenderProgress['losses'] | null;
  lossHistory?: unknown[];
  secondsPerIteration: number | null;
  etaSeconds: number | null;
  previews: { iteration: number; url: string }[];
  resumedFrom: number | null;
  output: { url: string; width?: number; height?: number } | null;
  options: unknown;
  error?: string;
}

export function renderView(record: ResourceRecord, lossHistory?: unknown[]): RenderView {
  const progress = (record.progress ?? {}) as Partial<RenderProgress>;
  const input = record.input as { options: { iterations: number } };
  const result = (record.result ?? {}) as RenderResultRecord;
  const base = `/v1/renders/${record.id}`;
  return {
    id: record.id,
    status: record.status,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    attempts: record.attempts,
    iteration: progress.iteration ?? 0,
    iterations: progress.iterations ?? input.options.iterations,
    losses: progress.losses ?? null,
    ...(lossHistory ? { lossHistory } : {}),
    secondsPerIteration: progress.secondsPerIteration ?? null,
    etaSeconds: record.status === 'running' ? (progress.etaSeconds ?? null) : null,
    previews: (progress.previews ?? []).map((iteration) => ({ iteration, url: `${base}/previews/${iteration}` })),
    resumedFrom: progress.resumedFrom ?? null,
    output: record.status === 'completed' ? { url: `${base}/output`, width: result.width, height: result.height } : null,
    options: input.options,
    ...(record.error ? { error: record.error } : {}),
  };
}
