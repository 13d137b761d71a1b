import type { RenderOptionsInput } from '@facestyle/core';
import type { OptionSpec } from '../framework/command';
import { booleanFlag, Flags, numberFlag, stringFlag } from '../framework/flags';
import type { NumberPaths } from './number-paths';
import { readOptionsFile, setPath } from './options-file';

/** Each numeric flag and the render option it sets. */
const NUMBER_FLAGS: Record<string, { target: NumberPaths<RenderOptionsInput>; value: string; description: string }> = {
  size: { target: 'size', value: 'px', description: 'long side of the output (default 512, at most 2048)' },
  iterations: { target: 'iterations', value: 'n', description: 'optimisation steps (default 200)' },
  'content-weight': { target: 'contentWeight', value: 'α', description: 'weight of the content loss (default 1)' },
  'style-weight': { target: 'styleWeight', value: 'β', description: 'weight of the style loss (default 3e-3)' },
  'tv-weight': { target: 'tvWeight', value: 'γ', description: 'weight of the total-variation loss (default 1e-3)' },
  lr: { target: 'learningRate', value: 'rate', description: 'Adam step in grey levels (default 5)' },
  'style-scale': { target: 'styleScale', value: 'x', description: 'style images resized to size × this (default 1)' },
  seed: { target: 'seed', value: 'n', description: 'seed of the random init' },
  'preview-every': { target: 'previewEvery', value: 'n', description: 'save a preview PNG every n iterations' },
  priority: { target: 'priority', value: 'n', description: 'queue priority, 1 is highest (default: FIFO)' },
};

export const RENDER_OPTIONS: Record<string, OptionSpec> = {
  content: { type: 'string', value: 'image', description: 'content image (JPEG, PNG or WebP)' },
  style: { type: 'string', multiple: true, value: 'image', description: 'style image; repeat to blend several' },
  ...Object.fromEntries(Object.entries(NUMBER_FLAGS).map(([name, f]) => [name, { type: 'string', value: f.value, description: f.description } satisfies OptionSpec])),
  init: { type: 'string', value: 'content|random', description: 'start from the content image (default) or noise' },
  'preserve-colors': { type: 'boolean', description: "keep the content's colours (transfer luminance only)" },
  file: { type: 'string', short: 'f', value: 'options.json|yaml', description: 'render options from a JSON or YAML file; flags override it' },
};

/** The `options` part of POST /v1/renders: the file's options, then flags on top. */
export function renderOptionsFrom(flags: Flags): Partial<RenderOptionsInput> {
  const file = stringFlag(flags, 'file');
  const options: Record<string, unknown> = file ? readOptionsFile(file) : {};
  for (const [name, { target }] of Object.entries(NUMBER_FLAGS)) setPath(options, target, numberFlag(flags, name));
  setPath(options, 'init', stringFlag(flags, 'init'));
  if (booleanFlag(flags, 'preserve-colors')) options.preserveColors = true;
  return options as Partial<RenderOptionsInput>;
}
