/**
 * Checkpoint ⇄ files. `model.json` + `weights.bin` are a standard TF.js layers model
 * (`tf.loadLayersModel` reads them through any handler that serves the two files; the
 * custom layers — L2Normalization, the composite conv/batch-norm, FeatureStandardization — must be registered, i.e. this
 * library imported), with
 * the preprocessing, distance and threshold in `userDefinedMetadata` for inference.
 * `optimizer.json` holds the optimizer slots; `state.json` the rest of the run state
 * and the SHA-256 of the other three files, checked when decoding.
 */
import { createHash } from 'node:crypto';

import * as tf from '@tensorflow/tfjs';

import './composite-batch-normalization';
import './composite-gradient-conv2d';
import './feature-standardization-layer';
import './l2-normalization-layer';
import { OptimizerSnapshot } from './model-artifacts';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, TrainingCheckpoint } from './training-checkpoint';

export const CHECKPOINT_FILE_NAMES = ['model.json', 'weights.bin', 'optimizer.json', 'state.json'] as const;
export type CheckpointFileName = (typeof CHECKPOINT_FILE_NAMES)[number];
export type CheckpointFiles = Record<CheckpointFileName, Uint8Array>;

/** Metadata stored in model.json for whoever serves the model. */
export interface EmbeddingModelMetadata {
  format: typeof CHECKPOINT_FORMAT;
  step: number;
  preprocessing: TrainingCheckpoint['config']['preprocessing'];
  distance: TrainingCheckpoint['config']['options']['loss']['distance'];
  /** Embed as L2(f(x) + f(mirrored x)), as `embedFaces(…, { flipAverage: true })` does. */
  flipAverage: boolean;
  threshold: number | null;
}

type StateJson = Omit<TrainingCheckpoint, 'model' | 'optimizer' | 'config'> & {
  config: TrainingCheckpoint['config'];
  /** SHA-256 (hex) of the other files. */
  sha256: Record<Exclude<CheckpointFileName, 'state.json'>, string>;
};

interface OptimizerJson extends Omit<OptimizerSnapshot, 'weightData'> {
  /** Base64 of the concatenated slot values. */
  weightData: string;
}

export function encodeCheckpoint(checkpoint: TrainingCheckpoint): CheckpointFiles {
  const metadata: EmbeddingModelMetadata = {
    format: CHECKPOINT_FORMAT,
    step: checkpoint.step,
    preprocessing: checkpoint.config.preprocessing,
    distance: checkpoint.config.options.loss.distance,
    flipAverage: checkpoint.config.evaluation.flipAverage,
    threshold: checkpoint.threshold,
  };
  const modelJson: tf.io.ModelJSON = {
    modelTopology: checkpoint.model.modelTopology,
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightsManifest: [{ paths: ['weights.bin'], weights: checkpoint.model.weightSpecs }],
    userDefinedMetadata: metadata as unknown as Record<string, object>,
  };
  const optimizerJson: OptimizerJson = {
    className: checkpoint.optimizer.className,
    weightSpecs: checkpoint.optimizer.weightSpecs,
    weightData: Buffer.from(checkpoint.optimizer.weightData).toString('base64'),
  };
  const files = {
    'model.json': jsonBytes(modelJson),
    'weights.bin': new Uint8Array(checkpoint.model.weightData.slice(0)),
    'optimizer.json': jsonBytes(optimizerJson),
  };
  const { model: _model, optimizer: _optimizer, ...rest } = checkpoint;
  const state: StateJson = {
    ...rest,
    sha256: {
      'model.json': sha256(files['model.json']),
      'weights.bin': sha256(files['weights.bin']),
      'optimizer.json': sha256(files['optimizer.json']),
    },
  };
  return { ...files, 'state.json': jsonBytes(state) };
}

/** Rebuilds the checkpoint; throws if a file is missing, corrupt or from another format. */
export function decodeCheckpoint(files: Partial<Record<string, Uint8Array>>): TrainingCheckpoint {
  for (const name of CHECKPOINT_FILE_NAMES) {
    if (!files[name]) throw new Error(`checkpoint is missing ${name}`);
  }
  const state = parseJson<StateJson>(files['state.json'] as Uint8Array, 'state.json');
  if (state.format !== CHECKPOINT_FORMAT || state.version !== CHECKPOINT_VERSION) {
    throw new Error(`state.json is not a v${CHECKPOINT_VERSION} ${CHECKPOINT_FORMAT} (got ${state.format} v${state.version})`);
  }
  for (const name of ['model.json', 'weights.bin', 'optimizer.json'] as const) {
    const actual = sha256(files[name] as Uint8Array);
    if (actual !== state.sha256?.[name]) {
      throw new Error(`checkpoint file ${name} is corrupt: sha256 ${actual} does not match ${state.sha256?.[name]}`);
    }
  }
  const modelJson = parseJson<tf.io.ModelJSON>(files['model.json'] as Uint8Array, 'model.json');
  const optimizerJson = parseJson<OptimizerJson>(files['optimizer.json'] as Uint8Array, 'optimizer.json');
  const { sha256: _hashes, ...rest } = state;
  return {
    ...rest,
    model: {
      modelTopology: modelJson.modelTopology as object,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData: toArrayBuffer(files['weights.bin'] as Uint8Array),
    },
    optimizer: {
      className: optimizerJson.className,
      weightSpecs: optimizerJson.weightSpecs,
      weightData: toArrayBuffer(Buffer.from(optimizerJson.weightData, 'base64')),
    },
  };
}

/**
 * A `tf.io` load handler serving model.json and the weight files it names from memory,
 * e.g. `tf.loadLayersModel(checkpointFilesIOHandler(files))`.
 */
export function checkpointFilesIOHandler(files: Partial<Record<string, Uint8Array>>): tf.io.IOHandler {
  return {
    load: async () => {
      const modelFile = files['model.json'];
      if (!modelFile) throw new Error('model.json is missing');
      const modelJson = parseJson<tf.io.ModelJSON>(modelFile, 'model.json');
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = manifest.flatMap((group) =>
          group.paths.map((path) => {
            const bytes = files[path];
            if (!bytes) throw new Error(`weight file ${path} named by model.json is missing`);
            return toArrayBuffer(bytes);
          }),
        );
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/**
 * Loads the model of a checkpoint for inference, with its preprocessing, distance and
 * threshold (from model.json's metadata). Only model.json and weights.bin are needed.
 */
export async function loadEmbeddingModel(
  files: Partial<Record<string, Uint8Array>>,
): Promise<{ model: tf.LayersModel; metadata: EmbeddingModelMetadata }> {
  const model = await tf.loadLayersModel(checkpointFilesIOHandler(files));
  const metadata = model.getUserDefinedMetadata() as unknown as EmbeddingModelMetadata | undefined;
  if (metadata?.format !== CHECKPOINT_FORMAT) {
    model.dispose();
    throw new Error('model.json has no Facestyle face-embedding metadata');
  }
  return { model, metadata };
}

/** SHA-256 of bytes, lowercase hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function jsonBytes(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));
}

function parseJson<T>(bytes: Uint8Array, name: string): T {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T;
  } catch (err) {
    throw new Error(`${name} is not valid JSON: ${(err as Error).message}`);
  }
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
