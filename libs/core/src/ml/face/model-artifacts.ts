/**
 * In-memory snapshots of a LayersModel (topology + weights, the TF.js `model.json` format
 * via a custom save handler) and of an optimizer's slot variables (e.g. Adam's moments
 * and iteration count), and the way back. No files: checkpoint-codec.ts turns them into bytes.
 */
import * as tf from '@tensorflow/tfjs';

// Register the custom layers so topologies that name them can be deserialised.
import './composite-batch-normalization';
import './composite-gradient-conv2d';
import './feature-standardization-layer';
import './l2-normalization-layer';

export interface ModelSnapshot {
  /** The Keras-style topology JSON (`model.toJSON()`), as TF.js saves it. */
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** All weights concatenated in `weightSpecs` order. */
  weightData: ArrayBuffer;
}

export interface OptimizerSnapshot {
  /** `getClassName()` of the optimizer, checked on restore. */
  className: string;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

/** Captures the model through `tf.io.withSaveHandler` (the same artifacts `model.save` writes anywhere). */
export async function snapshotModel(model: tf.LayersModel): Promise<ModelSnapshot> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.modelTopology || !captured.weightSpecs || captured.weightData === undefined) {
    throw new Error('model.save produced no topology or weights');
  }
  return {
    modelTopology: captured.modelTopology as object,
    weightSpecs: captured.weightSpecs,
    weightData: tf.io.CompositeArrayBuffer.join(captured.weightData),
  };
}

/** Rebuilds a model (new variables) from a snapshot. */
export function restoreModel(snapshot: ModelSnapshot): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: snapshot.modelTopology,
      weightSpecs: snapshot.weightSpecs,
      weightData: snapshot.weightData,
    }),
  );
}

/**
 * Captures the optimizer's state. The slot variables are listed in the order of the
 * variables the optimizer updates, which for a given topology is fixed.
 */
export async function snapshotOptimizer(optimizer: tf.Optimizer): Promise<OptimizerSnapshot> {
  const named = await optimizer.getWeights();
  try {
    const { data, specs } = await tf.io.encodeWeights(named);
    return { className: optimizer.getClassName(), weightSpecs: specs, weightData: data };
  } finally {
    // getWeights returns the live slot variables plus a fresh iteration-count tensor; free only the latter.
    for (const { tensor } of named) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  }
}

/** Loads a snapshot into an optimizer of the same class (call before its first step). */
export async function restoreOptimizer(optimizer: tf.Optimizer, snapshot: OptimizerSnapshot): Promise<void> {
  if (optimizer.getClassName() !== snapshot.className) {
    throw new Error(`optimizer state is for ${snapshot.className}, not ${optimizer.getClassName()}`);
  }
  const decoded = tf.io.decodeWeights(snapshot.weightData, snapshot.weightSpecs);
  try {
    await optimizer.setWeights(snapshot.weightSpecs.map((spec) => ({ name: spec.name, tensor: decoded[spec.name] })));
  } finally {
    // setWeights keeps its own references (variables share the data), so the decoded tensors can go.
    tf.dispose(Object.values(decoded));
  }
}
