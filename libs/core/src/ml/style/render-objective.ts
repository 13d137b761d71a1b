/**
 * The objective of one render scale: J(G) = α·J_content + β·J_style + γ·J_tv and its gradient with
 * respect to the pixels of G.
 *
 * When the image is split into tiles (see `planTiles`), the content and style terms are evaluated
 * per tile — each tile against its own crop of the content features and the shared whole-image
 * style Grams — and combined with feather weights M_t that sum to 1 at every pixel:
 *   J_content ≈ Σ_t s_t · J_content(tile t),  s_t = Σ M_t / N   (the share of the image tile t owns)
 *   ∇G ≈ Σ_t (n_t / N) · M_t ⊙ ∇J_t  +  γ·∇J_tv(G)
 * with n_t the tile's pixels and N the image's: the factor n_t/N turns each tile's per-pixel mean
 * into the whole image's, so the balance with the (summed) TV term does not depend on tiling.
 * There is one image and one optimiser; tiles only split the work, so nothing can drift apart.
 */
import * as tf from '@tensorflow/tfjs';
import { contentLoss, LossTerms, LossWeights, styleLoss, totalVariationLoss } from './style-losses';
import { contentTargets } from './style-targets';
import { featherWeights, Tile } from './tiling';
import { FeatureExtractor } from './vgg-loader';
import { vggPreprocess } from './vgg-preprocess';

interface TileTargets {
  tile: Tile;
  whole: boolean;
  content: tf.Tensor4D[];
  /** n_t/N · M_t, `[h, w, 1]` (absent for a single whole-image tile). */
  gradientWeight?: tf.Tensor3D;
  /** s_t: the tile's share of the image. */
  share: number;
}

export interface ObjectiveValue {
  losses: LossTerms<number>;
  /** ∂J/∂G, `[H, W, 3]`, when asked for; the caller disposes it. */
  grad?: tf.Tensor3D;
}

export class RenderObjective {
  private readonly tiles: TileTargets[];
  private readonly styleLayerWeights: number[];

  /**
   * @param content the content image at this scale's size (0..255 RGB)
   * @param styleGrams the style targets, one per style layer; the objective takes ownership
   * @param tiles from `planTiles` (a single whole-image tile when untiled)
   * @param feather width of the blending ramps in the overlaps, in pixels
   */
  constructor(
    private readonly extractor: FeatureExtractor,
    content: tf.Tensor3D,
    private readonly styleGrams: tf.Tensor2D[],
    private readonly weights: LossWeights,
    tiles: readonly Tile[],
    feather: number,
  ) {
    const [height, width] = content.shape;
    const n = height * width;
    const masks = tiles.length > 1 ? featherWeights(tiles, [height, width], feather) : undefined;
    this.styleLayerWeights = extractor.layers.style.map((s) => s.weight);
    this.tiles = tiles.map((tile, i) => {
      const whole = tile.height === height && tile.width === width;
      const crop = whole ? content : tf.slice(content, [tile.y, tile.x, 0], [tile.height, tile.width, 3]);
      const targets = contentTargets(extractor, crop);
      if (!whole) crop.dispose();
      const mask = masks?.[i];
      return {
        tile,
        whole,
        content: targets,
        gradientWeight: mask
          ? tf.tensor3d(mask.map((m) => (m * tile.height * tile.width) / n), [tile.height, tile.width, 1])
          : undefined,
        share: mask ? mask.reduce((a, b) => a + b, 0) / n : 1,
      };
    });
  }

  /** Loss terms of `image` (`[H, W, 3]`, 0..255) and, if asked, their gradient. */
  async evaluate(image: tf.Tensor3D, withGradient: boolean): Promise<ObjectiveValue> {
    const [height, width] = image.shape;
    let content = 0;
    let style = 0;
    let grad: tf.Tensor3D | undefined;
    for (const t of this.tiles) {
      const crop = t.whole ? image : tf.slice(image, [t.tile.y, t.tile.x, 0], [t.tile.height, t.tile.width, 3]);
      const part = this.featureTerms(crop, t.content, withGradient);
      if (!t.whole) crop.dispose();
      const [c, s] = await Promise.all([part.content.data(), part.style.data()]);
      part.content.dispose();
      part.style.dispose();
      content += t.share * c[0];
      style += t.share * s[0];
      if (part.grad) {
        const tileGrad = part.grad;
        const placed = tf.tidy(() => {
          const weighted = t.gradientWeight ? tf.mul(tileGrad, t.gradientWeight) : tileGrad;
          const padded = t.whole
            ? weighted
            : tf.pad(weighted, [
                [t.tile.y, height - t.tile.y - t.tile.height],
                [t.tile.x, width - t.tile.x - t.tile.width],
                [0, 0],
              ]);
          return (grad ? tf.add(grad, padded) : padded) as tf.Tensor3D;
        });
        if (placed !== tileGrad) tileGrad.dispose();
        grad?.dispose();
        grad = placed;
      }
    }
    const tvGrad = withGradient && this.weights.tvWeight > 0;
    const tvResult = tvGrad
      ? tf.valueAndGrad((x: tf.Tensor3D) => totalVariationLoss(x))(image)
      : { value: totalVariationLoss(image), grad: undefined };
    const tv = (await tvResult.value.data())[0];
    tvResult.value.dispose();
    if (tvResult.grad && grad) {
      const tvg = tvResult.grad;
      const sum = tf.tidy(() => tf.add(grad as tf.Tensor3D, tf.mul(tvg, this.weights.tvWeight)) as tf.Tensor3D);
      grad.dispose();
      tvg.dispose();
      grad = sum;
    }
    const { contentWeight, styleWeight, tvWeight } = this.weights;
    const total = contentWeight * content + styleWeight * style + tvWeight * tv;
    return { losses: { content, style, tv, total }, grad };
  }

  /** α·J_content + β·J_style of one crop: the two terms, and the gradient of their weighted sum. */
  private featureTerms(
    crop: tf.Tensor3D,
    targets: tf.Tensor4D[],
    withGradient: boolean,
  ): { content: tf.Scalar; style: tf.Scalar; grad?: tf.Tensor3D } {
    let terms: [tf.Scalar, tf.Scalar] | undefined;
    const objective = (x: tf.Tensor3D): tf.Scalar => {
      const features = this.extractor.extract(vggPreprocess(tf.expandDims(x, 0) as tf.Tensor4D));
      const c = contentLoss(features.content, targets);
      const s = styleLoss(features.style, this.styleGrams, this.styleLayerWeights);
      terms = [tf.keep(c), tf.keep(s)];
      return tf.add(tf.mul(c, this.weights.contentWeight), tf.mul(s, this.weights.styleWeight));
    };
    let grad: tf.Tensor3D | undefined;
    if (withGradient) {
      const result = tf.valueAndGrad(objective)(crop);
      result.value.dispose();
      grad = result.grad as tf.Tensor3D;
    } else {
      tf.tidy(() => {
        objective(crop);
      });
    }
    const [content, style] = terms as [tf.Scalar, tf.Scalar];
    return { content, style, grad };
  }

  dispose(): void {
    for (const t of this.tiles) {
      t.content.forEach((c) => c.dispose());
      t.gradientWeight?.dispose();
    }
    this.styleGrams.forEach((g) => g.dispose());
  }
}
