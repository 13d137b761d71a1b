/**
 * Render options, as sent in the `options` JSON of `POST /v1/renders` (DESIGN.md), with ranges and
 * defaults. Unknown keys are refused so a misspelt option fails fast instead of being ignored.
 */
import { z } from 'zod';

export const RENDER_LIMITS = {
  /** Long side of the output, in pixels. */
  minSize: 16,
  maxSize: 2048,
  maxIterations: 5000,
  maxStyles: 8,
  /** Style images are resized to `size · styleScale`; this bounds the product. */
  minStyleSize: 16,
  maxStyleSize: 4096,
  maxLearningRate: 100,
  maxWeight: 1e12,
} as const;

/**
 * Defaults tuned on the VGG19 block3 weights (tubingen × starry_night at 128–512 px; see
 * bench/style/render-bench.ts). Only the ratios α:β:γ matter to Adam. Content stays recognisable
 * with clear brush texture at β/α = 3e-3; β/α = 1e-3 is a light touch, 1e-2 mostly style.
 * J_tv is a sum over pixels while J_content and J_style are means, so the smoothing a given γ
 * gives grows with the pixel count (×4 per doubling of `size`); 1e-3 suits 256–512 px.
 * Adam moves pixels by about `learningRate` grey levels a step (0..255 scale); the loss has
 * mostly settled after 150–200 steps at 5.
 */
export const RENDER_DEFAULTS = {
  size: 512,
  iterations: 200,
  contentWeight: 1,
  styleWeight: 3e-3,
  tvWeight: 1e-3,
  learningRate: 5,
  init: 'content',
  preserveColors: false,
  styleScale: 1,
} as const;

const weight = (name: string) =>
  z
    .number({ invalid_type_error: `${name} must be a number` })
    .finite()
    .max(RENDER_LIMITS.maxWeight);

const layerName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'expected a layer name such as block3_conv1');

export const renderOptionsSchema = z
  .object({
    /** Long side of the output in pixels; the short side keeps the content's aspect ratio (floored). */
    size: z.number().int().min(RENDER_LIMITS.minSize).max(RENDER_LIMITS.maxSize).default(RENDER_DEFAULTS.size),
    /** Adam steps on the pixels (over all scales of a large render). */
    iterations: z.number().int().min(1).max(RENDER_LIMITS.maxIterations).default(RENDER_DEFAULTS.iterations),
    /** α: weight of J_content. */
    contentWeight: weight('contentWeight').positive().default(RENDER_DEFAULTS.contentWeight),
    /** β: weight of J_style. */
    styleWeight: weight('styleWeight').positive().default(RENDER_DEFAULTS.styleWeight),
    /** γ: weight of J_tv (0 turns the smoothness term off). */
    tvWeight: weight('tvWeight').nonnegative().default(RENDER_DEFAULTS.tvWeight),
    /** One weight per style image; the style Gram targets are blended with them (normalised to sum 1). Default: equal. */
    styleBlendWeights: z.array(z.number().finite().nonnegative()).min(1).max(RENDER_LIMITS.maxStyles).optional(),
    /** Adam step size, in grey levels of the 0..255 image. */
    learningRate: z.number().finite().positive().max(RENDER_LIMITS.maxLearningRate).default(RENDER_DEFAULTS.learningRate),
    /** Start from the content image, or from seeded uniform noise. */
    init: z.enum(['content', 'random']).default(RENDER_DEFAULTS.init),
    /** Transfer luminance only: the output keeps the content's colours (chrominance). */
    preserveColors: z.boolean().default(RENDER_DEFAULTS.preserveColors),
    /** Style images are resized to `size · styleScale` on their long side (bigger = coarser brush strokes). */
    styleScale: z.number().finite().positive().max(8).default(RENDER_DEFAULTS.styleScale),
    /** Seed of the random init (and anything else random). */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    /** Emit a PNG preview every this many iterations (none when absent). */
    previewEvery: z.number().int().min(1).max(RENDER_LIMITS.maxIterations).optional(),
    /** Queue priority (BullMQ: 1 is highest). */
    priority: z.number().int().min(1).max(2_097_152).optional(),
    /** Content layers (default: the deepest block's conv2 of the model). */
    contentLayers: z.array(layerName).min(1).max(8).optional(),
    /** Style layers, by name (weight 1) or with a weight (default: blockN_conv1 of every block of the model). */
    styleLayers: z
      .array(z.union([layerName, z.object({ name: layerName, weight: z.number().finite().positive().max(1e6) }).strict()]))
      .min(1)
      .max(16)
      .optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const styleSize = Math.round(o.size * o.styleScale);
    if (styleSize < RENDER_LIMITS.minStyleSize || styleSize > RENDER_LIMITS.maxStyleSize) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['styleScale'],
        message: `size · styleScale = ${styleSize} px must be from ${RENDER_LIMITS.minStyleSize} to ${RENDER_LIMITS.maxStyleSize}`,
      });
    }
    if (o.styleBlendWeights && !o.styleBlendWeights.some((w) => w > 0)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['styleBlendWeights'], message: 'at least one weight must be positive' });
    }
  });

/** Options after defaults are applied. */
export type RenderOptions = z.output<typeof renderOptionsSchema>;
/** Options as a client sends them. */
export type RenderOptionsInput = z.input<typeof renderOptionsSchema>;

/** Parses and validates render options; throws a ZodError naming the field. */
export function parseRenderOptions(input: unknown): RenderOptions {
  return renderOptionsSchema.parse(input);
}

/**
 * The normalised blend weights for `styleCount` style images (equal when the options give none).
 * Throws when the options give a different number of weights than there are styles.
 */
export function styleBlendWeightsFor(options: Pick<RenderOptions, 'styleBlendWeights'>, styleCount: number): number[] {
  if (styleCount < 1) throw new Error('a render needs at least one style image');
  const raw = options.styleBlendWeights ?? Array.from({ length: styleCount }, () => 1);
  if (raw.length !== styleCount) {
    throw new Error(`styleBlendWeights has ${raw.length} weights for ${styleCount} style images`);
  }
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / sum);
}
