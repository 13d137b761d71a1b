/**
 * Which VGG19 layers feed the content and style losses. Defaults follow DESIGN.md: with the full
 * VGG19, style block1..5_conv1 and content block5_conv2; with a truncated VGG19, the deepest
 * available (up to block3: style block1..3_conv1, content block3_conv2). A job may override both.
 * Keras VGG19 conv layers have the ReLU built in, so a conv layer's output is the post-ReLU feature.
 */

/** A style layer and its weight in the style loss (weights are normalised to sum 1). */
export interface StyleLayerSpec {
  name: string;
  weight: number;
}

export interface FeatureLayers {
  /** Content layers; J_content is their mean. */
  content: string[];
  /** Style layers; J_style is their weighted mean. */
  style: StyleLayerSpec[];
}

/** Per-job layer overrides, as in the render options. A bare style layer name has weight 1. */
export interface FeatureLayerOverrides {
  contentLayers?: readonly string[];
  styleLayers?: readonly (string | { name: string; weight?: number })[];
}

/** A requested layer is not in the model. Bad input: retrying cannot help. */
export class MissingLayerError extends Error {
  constructor(
    readonly layer: string,
    readonly role: 'content' | 'style',
    readonly available: readonly string[],
  ) {
    super(
      `${role} layer "${layer}" is not in the VGG19 model; available layers: ${available.join(', ')}` +
        (/^block[45]_/.test(layer) ? ' (this model looks truncated; block4/block5 need the full VGG19)' : ''),
    );
    this.name = 'MissingLayerError';
  }
}

const CONV1 = /^block(\d+)_conv1$/;

/** The default layers for a model with these layer names (the deepest block available). */
export function defaultFeatureLayers(layerNames: readonly string[]): FeatureLayers {
  const blocks = layerNames
    .map((name) => CONV1.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  if (blocks.length === 0) {
    throw new Error(`not a VGG model: no blockN_conv1 layers among ${layerNames.join(', ')}`);
  }
  const deepest = blocks[blocks.length - 1];
  const content = layerNames.includes(`block${deepest}_conv2`) ? `block${deepest}_conv2` : `block${deepest}_conv1`;
  return {
    content: [content],
    style: blocks.map((n) => ({ name: `block${n}_conv1`, weight: 1 })),
  };
}

/** The layers for a job: its overrides where given, else the defaults; every name is checked. */
export function resolveFeatureLayers(layerNames: readonly string[], overrides: FeatureLayerOverrides = {}): FeatureLayers {
  const defaults = defaultFeatureLayers(layerNames);
  const content = overrides.contentLayers?.length ? [...overrides.contentLayers] : defaults.content;
  const style = overrides.styleLayers?.length
    ? overrides.styleLayers.map((s) => (typeof s === 'string' ? { name: s, weight: 1 } : { name: s.name, weight: s.weight ?? 1 }))
    : defaults.style;
  for (const name of content) if (!layerNames.includes(name)) throw new MissingLayerError(name, 'content', layerNames);
  for (const { name, weight } of style) {
    if (!layerNames.includes(name)) throw new MissingLayerError(name, 'style', layerNames);
    if (!(weight > 0) || !Number.isFinite(weight)) throw new Error(`style layer "${name}" weight must be a positive number, got ${weight}`);
  }
  return { content, style };
}
