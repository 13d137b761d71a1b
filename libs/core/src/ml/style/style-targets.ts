/**
 * The fixed targets of a render: content features of the content image and Gram matrices of the
 * style image(s). Style Grams are computed once for the whole (resized) style image — by summing
 * FᵀF over tiles when it exceeds the per-pass pixel budget — so every tile of a large render
 * chases the same statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { gramMatrix } from './gram-matrix';
import { renderSize, resizeImage } from './image-io';
import { planCores, TILE_ALIGN, Tile } from './tiling';
import { FeatureExtractor } from './vgg-loader';
import { vggPreprocess } from './vgg-preprocess';

/** Context pixels around each core when Grams are accumulated tile by tile (covers the receptive field up to block4). */
export const GRAM_TILE_HALO = 64;

/** Content-layer features of an image region, `[1, h, w, c]` per content layer. */
export function contentTargets(extractor: FeatureExtractor, image: tf.Tensor3D): tf.Tensor4D[] {
  return tf.tidy(() => extractor.extract(vggPreprocess(tf.expandDims(image, 0) as tf.Tensor4D)).content);
}

/**
 * Gram matrix per style layer of a whole image (see `gramMatrix`). Above `maxPixels` the image is
 * processed in cores of at most that size, each with `halo` pixels of context, and
 *   gram_l = Σ_cores F_coreᵀ F_core / Σ_cores (h_core · w_core)
 * which equals the whole-image Gram when the halo covers the layer's receptive field.
 */
export function styleGrams(
  extractor: FeatureExtractor,
  image: tf.Tensor3D,
  maxPixels = Infinity,
  halo = GRAM_TILE_HALO,
): tf.Tensor2D[] {
  const [height, width] = image.shape;
  if (height * width <= maxPixels) {
    return tf.tidy(() => extractor.extract(vggPreprocess(tf.expandDims(image, 0) as tf.Tensor4D)).style.map((f) => gramMatrix(f)));
  }
  const alignedHalo = Math.ceil(halo / TILE_ALIGN) * TILE_ALIGN;
  const coreBudget = Math.max(TILE_ALIGN * TILE_ALIGN, Math.floor(Math.sqrt(maxPixels) - 2 * alignedHalo) ** 2);
  const cores = planCores([height, width], coreBudget);
  let sums: tf.Tensor2D[] | undefined;
  const counts = extractor.layers.style.map(() => 0);
  for (const core of cores) {
    const next = tf.tidy(() => {
      const crop = expand(core, alignedHalo, [height, width]);
      const input = vggPreprocess(tf.expandDims(tf.slice(image, [crop.y, crop.x, 0], [crop.height, crop.width, 3]), 0) as tf.Tensor4D);
      const features = extractor.extract(input).style;
      return features.map((f, l) => {
        const [, fh, fw, c] = f.shape;
        // This layer's downsampling (2^pools); crops are large enough for the ratio to be unambiguous.
        const scale = 2 ** Math.round(Math.log2(crop.height / fh));
        const r0 = (core.y - crop.y) / scale;
        const c0 = (core.x - crop.x) / scale;
        const r1 = core.y + core.height === height ? fh : (core.y + core.height - crop.y) / scale;
        const c1 = core.x + core.width === width ? fw : (core.x + core.width - crop.x) / scale;
        counts[l] += Math.max(0, r1 - r0) * Math.max(0, c1 - c0);
        // A sliver core at the image end may own no cell of a deep layer.
        if (r1 <= r0 || c1 <= c0) return (sums ? tf.clone(sums[l]) : tf.zeros([c, c])) as tf.Tensor2D;
        const part = tf.reshape(tf.slice(f, [0, r0, c0, 0], [1, r1 - r0, c1 - c0, c]), [-1, c]) as tf.Tensor2D;
        const product = tf.matMul(part, part, true, false);
        return (sums ? tf.add(sums[l], product) : product) as tf.Tensor2D;
      });
    });
    sums?.forEach((s) => s.dispose());
    sums = next;
  }
  const result = tf.tidy(() => (sums as tf.Tensor2D[]).map((s, l) => tf.div(s, counts[l]) as tf.Tensor2D));
  sums?.forEach((s) => s.dispose());
  return result;
}

/**
 * Blended style targets: each style image is resized so its long side is `longSide` (DESIGN.md:
 * the content's size times styleScale, keeping the style's own aspect ratio), its Grams computed,
 * and the targets blended as A_l = Σ_s w_s · gram_l(S_s) with the normalised blend weights w.
 */
export function blendedStyleGrams(
  extractor: FeatureExtractor,
  styles: readonly tf.Tensor3D[],
  blendWeights: readonly number[],
  longSide: number,
  maxPixels = Infinity,
): tf.Tensor2D[] {
  if (styles.length !== blendWeights.length) {
    throw new Error(`${blendWeights.length} blend weights for ${styles.length} style images`);
  }
  let blended: tf.Tensor2D[] | undefined;
  styles.forEach((style, s) => {
    if (blendWeights[s] === 0) return;
    const resized = resizeImage(style, renderSize([style.shape[0], style.shape[1]], longSide));
    const grams = styleGrams(extractor, resized, maxPixels);
    resized.dispose();
    const next = tf.tidy(() => grams.map((g, l) => tf.add(tf.mul(g, blendWeights[s]), blended ? blended[l] : 0) as tf.Tensor2D));
    grams.forEach((g) => g.dispose());
    blended?.forEach((b) => b.dispose());
    blended = next;
  });
  if (!blended) throw new Error('no style image has a positive blend weight');
  return blended;
}

/** The core grown by `halo` on each side, clamped to the image (origins stay aligned). */
function expand(core: Tile, halo: number, [height, width]: readonly [number, number]): Tile {
  const y = Math.max(0, core.y - halo);
  const x = Math.max(0, core.x - halo);
  return {
    y,
    x,
    height: Math.min(height, core.y + core.height + halo) - y,
    width: Math.min(width, core.x + core.width + halo) - x,
  };
}
