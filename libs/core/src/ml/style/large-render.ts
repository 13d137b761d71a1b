/**
 * Plans renders of any size up to 2048 px: coarse-to-fine scales (optimise small, upsample, refine
 * at larger sizes) and, at each scale, tiles whenever the image exceeds the per-pass pixel budget.
 *
 * Scales: long sides size, size/2, size/4, … down to `coarseSize` (one scale when size ≤ 2·coarseSize−1),
 * run from coarse to fine. The coarse scales do the heavy lifting cheaply, so the iterations are
 * split 4:2:1 (halving per finer scale, at least one each); the finest scale only refines detail.
 */
import { renderSize } from './image-io';
import { planTiles, Tile } from './tiling';

export interface LargeRenderSettings {
  /** Long side of the coarsest scale; renders below twice this size run at a single scale. Default 512. */
  coarseSize: number;
  /** Most pixels one VGG forward/backward pass may take; a larger image is tiled. Default 512·512. */
  maxTilePixels: number;
  /** Minimum overlap of neighbouring tiles in pixels, also the width of the feather blend. Default 64. */
  tileOverlap: number;
}

export const DEFAULT_LARGE_RENDER: LargeRenderSettings = {
  coarseSize: 512,
  maxTilePixels: 512 * 512,
  tileOverlap: 64,
};

export interface RenderStage {
  index: number;
  /** Long side at this scale, in pixels. */
  longSide: number;
  /** `[height, width]` of the image at this scale. */
  shape: [number, number];
  /** Global index of this scale's first Adam update. */
  firstIteration: number;
  /** Adam updates at this scale. */
  iterations: number;
  /** One whole-image tile when the scale fits the budget. */
  tiles: Tile[];
}

export interface RenderPlan {
  stages: RenderStage[];
  /** Exactly the requested output size: long side `size`, short side floored. */
  outputShape: [number, number];
  iterations: number;
  /** Identifies sizes and iteration split, so a saved state is only resumed by the same render. */
  key: string;
}

export function planRender(
  contentShape: readonly [number, number],
  options: { size: number; iterations: number },
  settings: LargeRenderSettings = DEFAULT_LARGE_RENDER,
): RenderPlan {
  const { size, iterations } = options;
  let longSides: number[] = [];
  for (let s = size; longSides.length === 0 || s >= settings.coarseSize; s = Math.round(s / 2)) longSides.unshift(s);
  if (longSides.length > iterations) longSides = longSides.slice(longSides.length - iterations);
  const split = splitIterations(iterations, longSides.length);
  let first = 0;
  const stages = longSides.map((longSide, index) => {
    const shape = renderSize(contentShape, longSide);
    const stage: RenderStage = {
      index,
      longSide,
      shape,
      firstIteration: first,
      iterations: split[index],
      tiles: planTiles(shape, settings.maxTilePixels, settings.tileOverlap),
    };
    first += split[index];
    return stage;
  });
  const key = stages.map((s) => `${s.shape[0]}x${s.shape[1]}:${s.iterations}`).join(',');
  return { stages, outputShape: renderSize(contentShape, size), iterations, key };
}

/** One update per scale, the rest in proportion 2^(n−1−i) (coarsest first), remainder to the coarsest. */
function splitIterations(total: number, count: number): number[] {
  const weights = Array.from({ length: count }, (_, i) => 2 ** (count - 1 - i));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const rest = total - count;
  const split = weights.map((w) => 1 + Math.floor((rest * w) / weightSum));
  split[0] += total - split.reduce((a, b) => a + b, 0);
  return split;
}
