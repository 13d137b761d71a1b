/**
 * Loads a VGG19 in TF.js layers format and builds the multi-output feature extractor the style
 * losses read. The model is owned by the caller (a worker loads it once and reuses it for every
 * job); an extractor only adds a graph over the same layers and holds no tensors of its own.
 */
import * as tf from '@tensorflow/tfjs';
import { ReadModelFile, readFileIOHandler } from './read-file-io-handler';
import { FeatureLayerOverrides, FeatureLayers, resolveFeatureLayers } from './vgg-layers';

/** Post-ReLU feature maps, `[1, h, w, channels]`, in the order of the extractor's layers. */
export interface VggFeatures {
  content: tf.Tensor4D[];
  style: tf.Tensor4D[];
}

export interface FeatureExtractor {
  readonly layers: FeatureLayers;
  /**
   * Features of a VGG-preprocessed batch of one image (`[1, H, W, 3]`, see `vggPreprocess`).
   * Allocates tensors: call inside `tf.tidy` (or a gradient function).
   */
  extract(preprocessed: tf.Tensor4D): VggFeatures;
}

/** Loads model.json and its shards through `readFile` (paths relative to the model's root). */
export async function loadVggModel(readFile: ReadModelFile, modelJsonPath = 'model.json'): Promise<tf.LayersModel> {
  return tf.loadLayersModel(readFileIOHandler(readFile, modelJsonPath));
}

/**
 * A feature extractor for the job's layers (its overrides, else the defaults for this model).
 * Throws `MissingLayerError` naming a requested layer the model does not have.
 */
export function createFeatureExtractor(vgg: tf.LayersModel, overrides?: FeatureLayerOverrides): FeatureExtractor {
  const layers = resolveFeatureLayers(
    vgg.layers.map((l) => l.name),
    overrides,
  );
  const names = [...new Set([...layers.content, ...layers.style.map((s) => s.name)])];
  const extractor = cachedMultiOutputModel(vgg, names);
  const contentIndex = layers.content.map((n) => names.indexOf(n));
  const styleIndex = layers.style.map((s) => names.indexOf(s.name));
  return {
    layers,
    extract(preprocessed) {
      const out = extractor.apply(preprocessed);
      const all = (Array.isArray(out) ? out : [out]) as tf.Tensor4D[];
      return { content: contentIndex.map((i) => all[i]), style: styleIndex.map((i) => all[i]) };
    },
  };
}

/** Graphs already built per model and layer list: re-chaining adds nodes to the shared layers on every call. */
const graphs = new WeakMap<tf.LayersModel, Map<string, tf.LayersModel>>();

function cachedMultiOutputModel(vgg: tf.LayersModel, names: string[]): tf.LayersModel {
  const perModel = graphs.get(vgg) ?? new Map<string, tf.LayersModel>();
  graphs.set(vgg, perModel);
  const key = names.join(',');
  let model = perModel.get(key);
  if (!model) {
    model = buildMultiOutputModel(vgg, names);
    perModel.set(key, model);
  }
  return model;
}

/**
 * `tf.model` with the named layers as outputs. A model saved with a fixed input size (e.g. the
 * 224×224 classifier) is re-chained from a new `[any, any, 3]` input: VGG is a plain chain of
 * layers, and every layer up to the deepest one needed is size-agnostic.
 */
function buildMultiOutputModel(vgg: tf.LayersModel, names: string[]): tf.LayersModel {
  const [, h, w] = vgg.inputs[0].shape;
  if (h === null && w === null) {
    return tf.model({ inputs: vgg.inputs, outputs: names.map((n) => vgg.getLayer(n).output as tf.SymbolicTensor) });
  }
  const input = tf.input({ shape: [null, null, vgg.inputs[0].shape[3] ?? 3] });
  const found = new Map<string, tf.SymbolicTensor>();
  let x: tf.SymbolicTensor = input;
  for (const layer of vgg.layers) {
    if (found.size === names.length) break;
    if (layer.getClassName() === 'InputLayer') continue;
    x = layer.apply(x) as tf.SymbolicTensor;
    if (names.includes(layer.name)) found.set(layer.name, x);
  }
  return tf.model({ inputs: input, outputs: names.map((n) => found.get(n) as tf.SymbolicTensor) });
}
