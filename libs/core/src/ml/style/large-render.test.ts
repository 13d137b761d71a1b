import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { planRender } from './large-render';
import { parseRenderOptions, RenderOptionsInput } from './render-options';
import { renderStyle, RenderResult } from './style-renderer';
import { loadRenderFixtures, RenderFixtures } from './testing/render-fixtures';
import { expectNoTensorLeak } from './testing/tensor-leaks';

describe('planRender', () => {
  it('runs up to twice the coarse size at one scale, untiled within the budget', () => {
    const plan = planRender([768, 1024], { size: 512, iterations: 300 });
    expect(plan.stages).toEqual([
      { index: 0, longSide: 512, shape: [384, 512], firstIteration: 0, iterations: 300, tiles: [{ y: 0, x: 0, height: 384, width: 512 }] },
    ]);
    expect(plan.outputShape).toEqual([384, 512]);
  });

  it('goes coarse to fine for 2048 px, splitting iterations 4:2:1 and tiling the large scales', () => {
    const plan = planRender([734, 979], { size: 2048, iterations: 700 });
    expect(plan.stages.map((s) => [s.longSide, s.shape, s.firstIteration, s.iterations])).toEqual([
      [512, [383, 512], 0, 400],
      [1024, [767, 1024], 400, 200],
      [2048, [1535, 2048], 600, 100],
    ]);
    expect(plan.outputShape).toEqual([1535, 2048]);
    expect(plan.stages[0].tiles).toHaveLength(1);
    expect(plan.stages[1].tiles.length).toBeGreaterThan(1);
    for (const s of plan.stages) for (const t of s.tiles) expect(t.height * t.width).toBeLessThanOrEqual(512 * 512);
  });

  it('gives every scale at least one iteration and drops coarse scales when there are too few', () => {
    expect(planRender([768, 1024], { size: 2048, iterations: 3 }).stages.map((s) => s.iterations)).toEqual([1, 1, 1]);
    expect(planRender([768, 1024], { size: 2048, iterations: 2 }).stages.map((s) => s.longSide)).toEqual([1024, 2048]);
  });
});

describe('tiled renders', () => {
  let fx: RenderFixtures;
  beforeAll(async () => {
    fx = await loadRenderFixtures();
  });

  const OPTIONS: RenderOptionsInput = { size: 64, iterations: 4, contentWeight: 1, styleWeight: 1e-3, tvWeight: 1e-2, learningRate: 4 };
  const run = (maxTilePixels: number) =>
    renderStyle(
      { vgg: fx.vgg, content: fx.tubingen, styles: [fx.starryNight], options: parseRenderOptions(OPTIONS) },
      {},
      { large: { coarseSize: 64, maxTilePixels, tileOverlap: 16 } },
    );

  /** Mean |x[a+1] - x[a]| across each boundary a between columns (axis 'x') or rows (axis 'y'). */
  function steps(r: RenderResult, axis: 'x' | 'y'): number[] {
    const [h, w] = r.shape;
    const [lines, along] = axis === 'x' ? [w, h] : [h, w];
    const at = (line: number, i: number, k: number) => r.pixels[(axis === 'x' ? i * w + line : line * w + i) * 3 + k];
    return Array.from({ length: lines - 1 }, (_, a) => {
      let s = 0;
      for (let i = 0; i < along; i++) for (let k = 0; k < 3; k++) s += Math.abs(at(a + 1, i, k) - at(a, i, k));
      return s / (along * 3);
    });
  }

  it('has exactly the requested size, no seams at the tile edges, and stays close to the untiled result', async () => {
    const whole = await run(64 * 64);
    const tiled = await expectNoTensorLeak(() => run(32 * 32));
    const tiles = tiled.plan.stages[0].tiles;
    expect(tiles.length).toBeGreaterThan(1);
    expect(whole.plan.stages[0].tiles).toHaveLength(1);
    expect(tiled.shape).toEqual([48, 64]);
    expect(tiled.pixels).toHaveLength(48 * 64 * 3);

    // The TV term is evaluated on the whole image, so at iteration 0 it is identical; the style term
    // (tile Grams against the whole image's targets) is close.
    expect(tiled.lossHistory[0].tv).toBeCloseTo(whole.lossHistory[0].tv, 0);
    expect(Math.abs(tiled.lossHistory[0].style / whole.lossHistory[0].style - 1)).toBeLessThan(0.5);
    expect(tiled.lossHistory[4].total).toBeLessThan(tiled.lossHistory[0].total);

    // Seams: the steps across tile edges are no larger than elsewhere, and match the untiled render's.
    for (const axis of ['x', 'y'] as const) {
      const tiledSteps = steps(tiled, axis);
      const wholeSteps = steps(whole, axis);
      const typical = [...tiledSteps].sort((a, b) => a - b)[Math.floor(tiledSteps.length / 2)];
      const edges = [...new Set(tiles.flatMap((t) => (axis === 'x' ? [t.x - 1, t.x + t.width - 1] : [t.y - 1, t.y + t.height - 1])))];
      const inside = edges.filter((a) => a >= 0 && a < tiledSteps.length);
      expect(inside.length).toBeGreaterThan(0);
      for (const a of inside) {
        expect(tiledSteps[a]).toBeLessThan(2 * typical);
        expect(Math.abs(tiledSteps[a] - wholeSteps[a])).toBeLessThan(0.25 * typical);
      }
    }

    // Tiling splits the work, not the result: the two renders differ far less than either differs from the content.
    const content = tf.tidy(() => tf.image.resizeBilinear(fx.tubingen, [48, 64], false, true).dataSync() as Float32Array);
    const meanAbs = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
    expect(meanAbs(tiled.pixels, whole.pixels)).toBeLessThan(0.5 * meanAbs(whole.pixels, content));
  });
});
