import type { TrainingRunOptionsInput } from '@facestyle/core';
import type { OptionSpec } from '../framework/command';
import { Flags, numberFlag, stringFlag } from '../framework/flags';
import type { NumberPaths } from './number-paths';
import { readOptionsFile, setPath } from './options-file';

/** Body of POST /v1/training-runs (the run options, the dataset and a queue priority). */
export type TrainingRunRequest = Partial<TrainingRunOptionsInput> & { datasetId?: string; priority?: number };

/** Each numeric flag and the request field it sets. */
const NUMBER_FLAGS: Record<string, { target: NumberPaths<TrainingRunRequest>; description: string; value: string }> = {
  steps: { target: 'steps', value: 'n', description: 'optimizer steps (required, here or in the file)' },
  margin: { target: 'loss.margin', value: 'm', description: 'triplet margin (default 0.2)' },
  lr: { target: 'optimizer.learningRate', value: 'rate', description: 'Adam learning rate (default 1e-3)' },
  'input-size': { target: 'model.inputSize', value: 'px', description: 'square input side (default 64)' },
  'embedding-dim': { target: 'model.embeddingDim', value: 'n', description: 'embedding size (default 64)' },
  'identities-per-batch': { target: 'sampler.identitiesPerBatch', value: 'P', description: 'identities per batch (default 8)' },
  'images-per-identity': { target: 'sampler.imagesPerIdentity', value: 'K', description: 'images per identity per batch (default 4)' },
  'eval-every': { target: 'evalEvery', value: 'n', description: 'steps between held-out evaluations (default 250)' },
  'checkpoint-every': { target: 'checkpointEvery', value: 'n', description: 'steps between checkpoints (default 500)' },
  seed: { target: 'seed', value: 'n', description: 'seed of weights, sampling and split (default 1)' },
  priority: { target: 'priority', value: 'n', description: 'queue priority, 1 is highest (default: FIFO)' },
};

export const TRAINING_REQUEST_OPTIONS: Record<string, OptionSpec> = {
  dataset: { type: 'string', value: 'id', description: 'dataset id (ds_…), from "facestyle datasets upload"' },
  ...Object.fromEntries(Object.entries(NUMBER_FLAGS).map(([name, f]) => [name, { type: 'string', value: f.value, description: f.description } satisfies OptionSpec])),
  mining: { type: 'string', value: 'strategy', description: 'batch-all (default), semi-hard or batch-hard' },
  file: { type: 'string', short: 'f', value: 'options.json|yaml', description: 'request body from a JSON or YAML file; flags override it' },
};

/**
 * The request from an options file and flags, flags winning. Values are checked only for syntax:
 * the API validates the rest and names the field in its message.
 */
export function trainingRequestFrom(flags: Flags): TrainingRunRequest {
  const file = stringFlag(flags, 'file');
  const request: Record<string, unknown> = file ? readOptionsFile(file) : {};
  setPath(request, 'datasetId', stringFlag(flags, 'dataset'));
  for (const [name, { target }] of Object.entries(NUMBER_FLAGS)) setPath(request, target, numberFlag(flags, name));
  setPath(request, 'loss.mining', stringFlag(flags, 'mining'));
  return request as TrainingRunRequest;
}
