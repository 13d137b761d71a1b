import { describe, expect, it } from 'vitest';
import { featherWeights, planCores, planTiles, Tile, TILE_ALIGN } from './tiling';

function coverage(tiles: Tile[], [h, w]: [number, number]): number[] {
  const count = new Array<number>(h * w).fill(0);
  for (const t of tiles) for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) count[y * w + x]++;
  return count;
}

describe('planTiles', () => {
  it('keeps an image that fits the budget whole', () => {
    expect(planTiles([384, 512], 512 * 512, 64)).toEqual([{ y: 0, x: 0, height: 384, width: 512 }]);
  });

  it.each([
    [[1536, 2048], 512 * 512, 64],
    [[1528, 1200], 400 * 400, 48],
    [[48, 64], 32 * 32, 16],
    [[100, 37], 40 * 40, 8],
  ] as [[number, number], number, number][])('covers %j within %d px per tile, neighbours overlapping ≥ %d px', (shape, budget, overlap) => {
    const tiles = planTiles(shape, budget, overlap);
    expect(tiles.length).toBeGreaterThan(1);
    for (const t of tiles) {
      expect(t.height * t.width).toBeLessThanOrEqual(budget);
      expect(t.y + t.height).toBeLessThanOrEqual(shape[0]);
      expect(t.x + t.width).toBeLessThanOrEqual(shape[1]);
      if (t.y + t.height < shape[0]) expect(t.y % TILE_ALIGN).toBe(0);
    }
    expect(coverage(tiles, shape).every((c) => c >= 1)).toBe(true);
    const ys = [...new Set(tiles.map((t) => t.y))].sort((a, b) => a - b);
    const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect(ys[i - 1] + tiles[0].height - ys[i]).toBeGreaterThanOrEqual(overlap);
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1] + tiles[0].width - xs[i]).toBeGreaterThanOrEqual(overlap);
  });

  it('says when the budget cannot fit the overlap', () => {
    expect(() => planTiles([512, 512], 20 * 20, 64)).toThrow(/maxTilePixels 400 is too small/);
  });
});

describe('featherWeights', () => {
  it('forms a partition of unity that ramps across overlaps', () => {
    const shape: [number, number] = [48, 64];
    const tiles = planTiles(shape, 32 * 32, 16);
    const weights = featherWeights(tiles, shape, 16);
    const sum = new Float32Array(48 * 64);
    tiles.forEach((t, i) => {
      for (let r = 0; r < t.height; r++) for (let c = 0; c < t.width; c++) sum[(t.y + r) * 64 + t.x + c] += weights[i][r * t.width + c];
    });
    for (const s of sum) expect(s).toBeCloseTo(1, 5);
    // A tile's weight on the image border is not feathered; inside the overlap it falls towards its edge.
    const first = tiles[0];
    const w0 = weights[0];
    expect(w0[0]).toBeCloseTo(1, 5);
    const row = 0;
    const rightEdge = w0[row * first.width + first.width - 1];
    const inside = w0[row * first.width + first.width - 17];
    expect(rightEdge).toBeLessThan(0.2);
    expect(inside).toBeGreaterThan(rightEdge);
  });
});

describe('planCores', () => {
  it('partitions the image without overlap', () => {
    const cores = planCores([100, 70], 32 * 32);
    expect(coverage(cores, [100, 70]).every((c) => c === 1)).toBe(true);
  });
});
