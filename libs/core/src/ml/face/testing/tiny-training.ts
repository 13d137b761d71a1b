/**
 * A tiny but real training setup for unit tests: 16×16 AT&T faces, a 2-block network of
 * width 4, P×K = 3×3. Seconds per run on the cpu backend.
 */
import { FaceSample } from '../face-sample';
import { FaceTrainingConfig, resolveTrainingConfig, TrainingConfigOverrides } from '../training-config';
import { parseTrainingRunOptions, TrainingRunOptionsInput } from '../training-options';
import { loadAttFaces } from './shared-data';

export function tinyTrainingConfig(
  options: Partial<TrainingRunOptionsInput> = {},
  overrides: TrainingConfigOverrides = {},
): FaceTrainingConfig {
  const parsed = parseTrainingRunOptions({
    steps: 6,
    model: { inputSize: 16, channels: 1, embeddingDim: 8 },
    sampler: { identitiesPerBatch: 3, imagesPerIdentity: 3 },
    evalEvery: 3,
    checkpointEvery: 2,
    seed: 5,
    ...options,
  });
  return resolveTrainingConfig(parsed, { model: { width: 4, depth: 2 }, ...overrides });
}

/** AT&T s1..s6 for training and s7..s9 held out, preprocessed for the config. */
export async function tinyTrainingData(config: FaceTrainingConfig): Promise<{ train: FaceSample[]; validation: FaceSample[] }> {
  return {
    train: await loadAttFaces(config.preprocessing, 1, 6),
    validation: await loadAttFaces(config.preprocessing, 7, 9),
  };
}
