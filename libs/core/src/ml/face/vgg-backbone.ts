/**
 * A pretrained, frozen feature extractor for the embedding network: the ImageNet VGG19
 * convolutions up to block3_conv4 (the truncated VGG19 the style renders use), then average
 * pooling to a 2×2 grid. On AT&T's held-out people these generic features, standardised, already
 * separate identities better than a CNN trained from scratch on 30 people (ROC AUC 0.97–0.98 vs
 * 0.94); only the projection on top is trained, so the run cannot unlearn them.
 *
 * VGG expects Keras 'caffe' input: BGR in 0..255 minus the ImageNet channel means, 3 channels.
 * Our preprocessed faces are normalised (per-image standardisation or [-1, 1]) and often
 * greyscale, so the input mapping is folded into block1_conv1 instead of adding layers:
 *   VGG input  v_c = σ·p_{c'} + μ − m_c        (c' = the RGB channel of BGR channel c; for
 *                                                greyscale every c reads the one channel p)
 *   conv1(v)   = Σ_c W_c ⋆ (σ·p_{c'}) + [b + Σ_{taps,c} W_c·(μ − m_c)]
 * so the folded filter is σ·W with channels reordered (or summed, for greyscale) and the constant
 * moves into the bias. (σ, μ) map normalised pixels back to 0..255 brightness: per-image
 * standardisation gives every face a mean of μ = 117 (ImageNet's average grey) and a spread of
 * σ = 64. The only difference from VGG on the reconstructed image is at the border, where zero
 * padding means brightness μ instead of the channel mean (at most 13 grey levels apart).
 */
import * as tf from '@tensorflow/tfjs';
import { PixelNormalization } from './face-preprocessing';

/** VGG19's layers up to block3_conv4, in order; `pool` is 2×2 max pooling. */
export const VGG_BACKBONE_LAYERS = [
  'block1_conv1',
  'block1_conv2',
  'pool',
  'block2_conv1',
  'block2_conv2',
  'pool',
  'block3_conv1',
  'block3_conv2',
  'block3_conv3',
  'block3_conv4',
] as const;

/** The backbone's features are pooled to GRID×GRID cells before flattening. */
export const VGG_BACKBONE_GRID = 2;
/** Input sides must be a multiple of this: two max pools, then GRID equal cells. */
export const VGG_BACKBONE_INPUT_MULTIPLE = 4 * VGG_BACKBONE_GRID;
/** Features per image: 256 channels of block3 × GRID². */
export const VGG_BACKBONE_FEATURES = 256 * VGG_BACKBONE_GRID * VGG_BACKBONE_GRID;

const IMAGENET_BGR_MEAN = [103.939, 116.779, 123.68];

/** σ and μ of the folded input mapping for each pixel normalisation (see the file comment). */
export function brightnessMapping(normalization: PixelNormalization): { scale: number; offset: number } {
  return normalization === 'symmetric-unit-range' ? { scale: 127.5, offset: 127.5 } : { scale: 64, offset: 117 };
}

/** The weights of the backbone's convolutions, `[kernel HWIO, bias]` per layer name. */
export type VggBackboneWeights = Map<string, [tf.Tensor4D, tf.Tensor1D]>;

/**
 * Copies the backbone's weights out of a loaded VGG19 (from `loadVggModel`); the caller disposes
 * them. Throws naming the first missing layer (e.g. a VGG truncated before block3_conv4).
 */
export function vggBackboneWeights(vgg: tf.LayersModel): VggBackboneWeights {
  const names = new Set(vgg.layers.map((l) => l.name));
  const weights: VggBackboneWeights = new Map();
  for (const name of VGG_BACKBONE_LAYERS) {
    if (name === 'pool') continue;
    if (!names.has(name)) throw new Error(`the VGG19 model has no layer ${name}; the face backbone needs VGG19 up to block3_conv4`);
    const [kernel, bias] = vgg.getLayer(name).getWeights();
    weights.set(name, [tf.clone(kernel) as tf.Tensor4D, tf.clone(bias) as tf.Tensor1D]);
  }
  return weights;
}

/** block1_conv1 folded for `channels` normalised input channels (see the file comment). */
export function foldInputMapping(
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D,
  channels: 1 | 3,
  normalization: PixelNormalization,
): [tf.Tensor4D, tf.Tensor1D] {
  const { scale, offset } = brightnessMapping(normalization);
  return tf.tidy(() => {
    // Per BGR channel c: Σ over taps of W_c · (μ − m_c), summed over c → the bias shift.
    const shift = tf.tensor1d(IMAGENET_BGR_MEAN.map((m) => offset - m)).reshape([1, 1, 3, 1]);
    const foldedBias = tf.add(bias, tf.sum(tf.mul(kernel, shift), [0, 1, 2])) as tf.Tensor1D;
    const folded =
      channels === 1
        ? tf.mul(tf.sum(kernel, 2, true), scale) // every BGR channel reads the grey channel
        : tf.mul(tf.reverse(kernel, 2), scale); // input RGB channel c' feeds BGR channel 2 − c'
    return [folded as tf.Tensor4D, foldedBias];
  });
}

/**
 * Applies the frozen backbone to `input` (`[S, S, channels]`, S a multiple of
 * VGG_BACKBONE_INPUT_MULTIPLE) and returns the flattened GRID×GRID pooled features.
 */
export function applyVggBackbone(
  input: tf.SymbolicTensor,
  weights: VggBackboneWeights,
  channels: 1 | 3,
  normalization: PixelNormalization,
): tf.SymbolicTensor {
  const inputSize = input.shape[1] as number;
  let x = input;
  let pools = 0;
  for (const name of VGG_BACKBONE_LAYERS) {
    if (name === 'pool') {
      pools++;
      x = tf.layers.maxPooling2d({ poolSize: 2, name: `vgg_pool${pools}` }).apply(x) as tf.SymbolicTensor;
      continue;
    }
    const [kernel, bias] = weights.get(name) as [tf.Tensor4D, tf.Tensor1D];
    const conv = tf.layers.conv2d({
      filters: kernel.shape[3],
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      trainable: false,
      name: `vgg_${name}`,
    });
    x = conv.apply(x) as tf.SymbolicTensor;
    if (name === 'block1_conv1') {
      const folded = foldInputMapping(kernel, bias, channels, normalization);
      conv.setWeights(folded);
      tf.dispose(folded);
    } else {
      conv.setWeights([kernel, bias]);
    }
  }
  const cell = inputSize / 4 / VGG_BACKBONE_GRID;
  x = tf.layers.averagePooling2d({ poolSize: cell, strides: cell, name: 'vgg_grid_pool' }).apply(x) as tf.SymbolicTensor;
  return tf.layers.flatten({ name: 'vgg_features' }).apply(x) as tf.SymbolicTensor;
}
