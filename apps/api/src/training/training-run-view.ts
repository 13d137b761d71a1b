import { ResourceRecord } from '@facestyle/infra';

export interface EvaluationSummary {
  step: number;
  rocAuc: number;
  eer: number;
  threshold: number;
  accuracy: number;
  tarAtFar: Record<string, number>;
}

/** What the worker writes to a run's record while it trains. */
export interface TrainingProgress {
  step: number;
  steps: number;
  loss?: number;
  activeTripletFraction?: number;
  stepsPerSecond?: number;
  etaSeconds?: number;
  evaluation?: EvaluationSummary;
  bestStep?: number;
  checkpoints?: { step: number; createdAt: string }[];
  resumedFrom?: number;
}

export interface TrainingRunView {
  id: string;
  status: string;
  datasetId: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  attempts: number;
  step: number;
  steps: number;
  loss: number | null;
  activeTripletFraction: number | null;
  stepsPerSecond: number | null;
  etaSeconds: number | null;
  evaluation: EvaluationSummary | null;
  bestStep: number | null;
  checkpoints: { step: number; createdAt: string; modelUrl: string }[];
  resumedFrom: number | null;
  options: unknown;
  error?: string;
}

export function trainingRunView(record: ResourceRecord): TrainingRunView {
  const input = record.input as { datasetId: string; options: { steps: number } };
  const progress = (record.progress ?? {}) as Partial<TrainingProgress>;
  const base = `/v1/training-runs/${record.id}/checkpoints`;
  return {
    id: record.id,
    status: record.status,
    datasetId: input.datasetId,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    attempts: record.attempts,
    step: progress.step ?? 0,
    steps: progress.steps ?? input.options.steps,
    loss: progress.loss ?? null,
    activeTripletFraction: progress.activeTripletFraction ?? null,
    stepsPerSecond: progress.stepsPerSecond ?? null,
    etaSeconds: record.status === 'running' ? (progress.etaSeconds ?? null) : null,
    evaluation: progress.evaluation ?? null,
    bestStep: progress.bestStep ?? null,
    checkpoints: (progress.checkpoints ?? []).map((c) => ({ ...c, modelUrl: `${base}/${c.step}/model.json` })),
    resumedFrom: progress.resumedFrom ?? null,
    options: input.options,
    ...(record.error ? { error: record.error } : {}),
  };
}
