/**
 * The shapes of API answers that the CLI reads (it prints the rest with `--json` untouched).
 * Datasets come from the contract in @facestyle/core; job views are the API's, described here
 * by the fields the CLI shows.
 */
import type { DatasetSummary } from '@facestyle/core';

export type { DatasetSummary };

/** A held-out evaluation of a training run (verification metrics at the chosen threshold). */
export interface Evaluation {
  step: number;
  rocAuc: number;
  eer: number;
  threshold: number;
  accuracy: number;
  tarAtFar?: Record<string, number>;
}

export interface Submitted {
  id: string;
  status: string;
}

export interface TrainingRunView {
  id: string;
  status: string;
  datasetId: string;
  createdAt: string;
  step: number;
  steps: number;
  loss: number | null;
  etaSeconds: number | null;
  evaluation: Evaluation | null;
  bestStep: number | null;
  checkpoints: { step: number; createdAt: string; modelUrl: string }[];
  error?: string;
}

export interface RenderView {
  id: string;
  status: string;
  createdAt: string;
  iteration: number;
  iterations: number;
  losses: { content: number; style: number; tv: number; total: number } | null;
  etaSeconds: number | null;
  previews: { iteration: number; url: string }[];
  output: { url: string; width?: number; height?: number } | null;
  error?: string;
}

export interface HealthReport {
  status: string;
  redis: string;
  storage: string;
  backend: string;
  backendName?: string;
  details?: Record<string, string>;
}
