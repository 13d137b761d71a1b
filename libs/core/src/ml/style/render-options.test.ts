import { describe, expect, it } from 'vitest';
import { parseRenderOptions, RENDER_DEFAULTS, RENDER_LIMITS, styleBlendWeightsFor } from './render-options';

describe('parseRenderOptions', () => {
  it('fills the defaults', () => {
    expect(parseRenderOptions({})).toEqual({ ...RENDER_DEFAULTS });
  });

  it('keeps every DESIGN.md option and the layer overrides', () => {
    const input = {
      size: 1024,
      iterations: 400,
      contentWeight: 2,
      styleWeight: 30,
      tvWeight: 0,
      styleBlendWeights: [0.7, 0.3],
      learningRate: 3,
      init: 'random',
      preserveColors: true,
      styleScale: 0.5,
      seed: 42,
      previewEvery: 50,
      priority: 5,
      contentLayers: ['block3_conv2'],
      styleLayers: ['block1_conv1', { name: 'block2_conv1', weight: 2 }],
    };
    expect(parseRenderOptions(input)).toEqual(input);
  });

  it.each([
    [{ size: RENDER_LIMITS.maxSize + 1 }, 'size'],
    [{ size: 8 }, 'size'],
    [{ iterations: RENDER_LIMITS.maxIterations + 1 }, 'iterations'],
    [{ iterations: 0 }, 'iterations'],
    [{ contentWeight: 0 }, 'contentWeight'],
    [{ styleWeight: -1 }, 'styleWeight'],
    [{ tvWeight: -0.1 }, 'tvWeight'],
    [{ init: 'noise' }, 'init'],
    [{ styleBlendWeights: [0, 0] }, 'styleBlendWeights'],
    [{ size: 64, styleScale: 0.1 }, 'styleScale'],
    [{ learningRate: 0 }, 'learningRate'],
    [{ contentLayers: ['block3 conv2'] }, 'contentLayers'],
    [{ styleLayers: [{ name: 'block1_conv1', weight: 0 }] }, 'styleLayers'],
    [{ sise: 512 }, ''],
  ])('refuses %j, naming the field', (input, field) => {
    const result = (() => {
      try {
        parseRenderOptions(input);
        return undefined;
      } catch (err) {
        return err as { issues: { path: (string | number)[]; message: string }[] };
      }
    })();
    expect(result?.issues[0].path[0] ?? '').toBe(field);
    if (field === '') expect(result?.issues[0].message).toMatch(/sise/);
  });
});

describe('styleBlendWeightsFor', () => {
  it('normalises the given weights, defaults to equal, and checks the count', () => {
    expect(styleBlendWeightsFor({ styleBlendWeights: [3, 1] }, 2)).toEqual([0.75, 0.25]);
    expect(styleBlendWeightsFor({}, 4)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(() => styleBlendWeightsFor({ styleBlendWeights: [1] }, 2)).toThrow(/1 weights for 2 style images/);
  });
});
