/**
 * The face-embedding CNN: `depth` blocks of [3×3 conv → batch norm → ReLU] × convsPerBlock
 * followed by 2×2 max pooling (filters double per block, starting at `width`), then a
 * flatten (or global average) → dense projection to `embeddingDim` and an L2 normalisation, so embeddings
 * lie on the unit sphere and Euclidean distances are in [0, 2]. No I/O here.
 *
 * With `backbone: 'vgg19'` the conv blocks are replaced by the frozen, pretrained VGG19 features
 * of vgg-backbone.ts, standardised per feature (feature-standardization-layer.ts); only the
 * projection is trained (backbone-head-init.ts gives it a principal-component start).
 */
import * as tf from '@tensorflow/tfjs';

import { CompositeBatchNormalization } from './composite-batch-normalization';
import { CompositeGradientConv2D } from './composite-gradient-conv2d';
import { PixelNormalization } from './face-preprocessing';
import { FeatureStandardization } from './feature-standardization-layer';
import { L2Normalization } from './l2-normalization-layer';
import { SeededRandom } from './seeded-random';
import { applyVggBackbone, VGG_BACKBONE_INPUT_MULTIPLE, VggBackboneWeights } from './vgg-backbone';

export type EmbeddingBackbone =
  /** Conv blocks trained from scratch (width, depth, … below). */
  | 'none'
  /** ImageNet VGG19 up to block3_conv4, frozen, then a trained projection (vgg-backbone.ts). */
  | 'vgg19';

export type LayerImplementation =
  /** Stock Conv2D and BatchNormalization: for backends with fast gradient kernels (native TF, wasm + Facestyle kernels). */
  | 'stock'
  /**
   * The same maths and weight layout with gradients built from fast forward ops
   * (CompositeGradientConv2D, CompositeBatchNormalization): fast on the stock cpu and wasm backends.
   */
  | 'composite';

export interface EmbeddingModelSpec {
  /** Where the features come from; with 'vgg19' the conv-block fields below are unused. */
  backbone: EmbeddingBackbone;
  /** Square input side in pixels. */
  inputSize: number;
  /** 1 = greyscale, 3 = RGB. */
  channels: 1 | 3;
  /** Filters of the first block; each later block doubles them. */
  width: number;
  /** Number of conv blocks; each halves the resolution (inputSize must stay ≥ 2^depth). */
  depth: number;
  /** Convolutions per block. */
  convsPerBlock: number;
  /** Output dimension. */
  embeddingDim: number;
  /** Batch normalisation after every convolution (keeps a random-init network from collapsing). */
  batchNorm: boolean;
  /**
   * How the last feature map becomes a vector before the projection: `flatten` keeps where
   * each feature is (more parameters), `global-average` averages over positions.
   */
  head: 'flatten' | 'global-average';
  /** Which layer classes implement convolution and batch norm (weights are interchangeable). */
  implementation: LayerImplementation;
  /** Seed of the weight initialisers. */
  seed: number;
}

export const DEFAULT_EMBEDDING_MODEL: EmbeddingModelSpec = {
  backbone: 'none',
  inputSize: 64,
  channels: 1,
  width: 16,
  depth: 4,
  convsPerBlock: 1,
  embeddingDim: 64,
  batchNorm: true,
  head: 'flatten',
  implementation: 'composite',
  seed: 1,
};

/** What a pretrained backbone needs at build time (new runs only: checkpoints carry the weights). */
export interface BackboneSource {
  weights: VggBackboneWeights;
  /** The run's pixel normalisation, folded into the first convolution. */
  normalization: PixelNormalization;
}

/** Builds an untrained embedding model: input [batch, inputSize, inputSize, channels] → [batch, embeddingDim]. */
export function buildEmbeddingModel(spec: EmbeddingModelSpec, backbone?: BackboneSource): tf.LayersModel {
  validateSpec(spec);
  const seeds = new SeededRandom(spec.seed);
  const input = tf.input({ shape: [spec.inputSize, spec.inputSize, spec.channels], name: 'face' });
  const features = spec.backbone === 'vgg19' ? pretrainedFeatures(input, spec, backbone) : convBlockFeatures(input, spec, seeds);
  const x = tf.layers
    .dense({
      units: spec.embeddingDim,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.nextSeed() }),
      name: 'projection',
    })
    .apply(features) as tf.SymbolicTensor;
  const embedding = new L2Normalization({ name: 'l2_normalize' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: embedding, name: 'face_embedding' });
}

/** Frozen VGG19 features, standardised (statistics set later from the training images). */
function pretrainedFeatures(input: tf.SymbolicTensor, spec: EmbeddingModelSpec, backbone?: BackboneSource): tf.SymbolicTensor {
  if (!backbone) throw new Error("embedding model: backbone 'vgg19' needs the VGG19 weights");
  const features = applyVggBackbone(input, backbone.weights, spec.channels, backbone.normalization);
  return new FeatureStandardization({ name: 'feature_standardization' }).apply(features) as tf.SymbolicTensor;
}

/** The conv blocks trained from scratch, flattened or averaged. */
function convBlockFeatures(input: tf.SymbolicTensor, spec: EmbeddingModelSpec, seeds: SeededRandom): tf.SymbolicTensor {
  let x: tf.SymbolicTensor = input;
  for (let block = 1; block <= spec.depth; block++) {
    const filters = spec.width * 2 ** (block - 1);
    for (let index = 1; index <= spec.convsPerBlock; index++) {
      const name = `block${block}_conv${index}`;
      const kernelInitializer = tf.initializers.heNormal({ seed: seeds.nextSeed() });
      // With batch norm right after, a conv bias would only be cancelled by the mean subtraction.
      const useBias = !spec.batchNorm;
      const stock = spec.implementation === 'stock';
      const conv = stock
        ? tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias, kernelInitializer, name })
        : new CompositeGradientConv2D({ filters, kernelSize: 3, useBias, kernelInitializer, name });
      x = conv.apply(x) as tf.SymbolicTensor;
      if (spec.batchNorm) {
        const bnArgs = { momentum: 0.9, epsilon: 1e-3, name: `${name}_bn` };
        const bn = stock ? tf.layers.batchNormalization(bnArgs) : new CompositeBatchNormalization(bnArgs);
        x = bn.apply(x) as tf.SymbolicTensor;
      }
      x = tf.layers.reLU({ name: `${name}_relu` }).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `block${block}_pool` }).apply(x) as tf.SymbolicTensor;
  }
  const head =
    spec.head === 'flatten' ? tf.layers.flatten({ name: 'flatten' }) : tf.layers.globalAveragePooling2d({ name: 'average' });
  return head.apply(x) as tf.SymbolicTensor;
}

function validateSpec(spec: EmbeddingModelSpec): void {
  const positive: (keyof EmbeddingModelSpec)[] = ['inputSize', 'width', 'depth', 'convsPerBlock', 'embeddingDim'];
  for (const key of positive) {
    const value = spec[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new RangeError(`embedding model: ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  if (spec.backbone === 'vgg19') {
    if (spec.inputSize % VGG_BACKBONE_INPUT_MULTIPLE !== 0) {
      throw new RangeError(`embedding model: inputSize ${spec.inputSize} must be a multiple of ${VGG_BACKBONE_INPUT_MULTIPLE} for the vgg19 backbone`);
    }
    return;
  }
  if (spec.inputSize < 2 ** spec.depth) {
    throw new RangeError(`embedding model: inputSize ${spec.inputSize} is too small for depth ${spec.depth} (needs ≥ ${2 ** spec.depth})`);
  }
}
