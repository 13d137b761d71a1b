/**
 * Tiles for renders whose pixel count exceeds a per-pass budget, and the feather weights that
 * blend tiles in their overlaps. Pure arithmetic, no tensors.
 *
 * Tile origins are multiples of `TILE_ALIGN` (except a last tile flush with the image edge) so
 * neighbouring tiles share VGG's pooling grid: up to block5 a feature cell covers 16×16 pixels.
 */

export const TILE_ALIGN = 16;

/** A rectangle of the image, in pixels. */
export interface Tile {
  y: number;
  x: number;
  height: number;
  width: number;
}

/**
 * Covers `[height, width]` with the fewest tiles of at most `maxTilePixels` pixels each, where
 * neighbours overlap by at least `overlap` pixels. One tile (the whole image) when it fits.
 */
export function planTiles([height, width]: readonly [number, number], maxTilePixels: number, overlap: number): Tile[] {
  if (height * width <= maxTilePixels) return [{ y: 0, x: 0, height, width }];
  let best: { rows: number; cols: number; th: number; tw: number } | undefined;
  const maxRows = Math.ceil(height / TILE_ALIGN);
  const maxCols = Math.ceil(width / TILE_ALIGN);
  for (let rows = 1; rows <= maxRows; rows++) {
    for (let cols = 1; cols <= maxCols; cols++) {
      if (best && rows * cols > best.rows * best.cols) break;
      const th = tileSide(height, rows, overlap);
      const tw = tileSide(width, cols, overlap);
      if (th === undefined || tw === undefined || th * tw > maxTilePixels) continue;
      const squareness = Math.min(th, tw) / Math.max(th, tw);
      const bestSquareness = best ? Math.min(best.th, best.tw) / Math.max(best.th, best.tw) : -1;
      if (!best || rows * cols < best.rows * best.cols || squareness > bestSquareness) best = { rows, cols, th, tw };
    }
  }
  if (!best) {
    throw new Error(`maxTilePixels ${maxTilePixels} is too small for tiles with ${overlap} px overlap on a ${width}×${height} image`);
  }
  const ys = origins(height, best.rows, best.th);
  const xs = origins(width, best.cols, best.tw);
  return ys.flatMap((y) => xs.map((x) => ({ y, x, height: best.th, width: best.tw })));
}

/** Smallest side of `count` tiles covering `length` with ≥ `overlap` px shared between neighbours, or undefined. */
function tileSide(length: number, count: number, overlap: number): number | undefined {
  if (count === 1) return length;
  for (let side = Math.ceil((length + (count - 1) * overlap) / count); side < length; side++) {
    const o = origins(length, count, side);
    if (o.every((y, i) => i === 0 || o[i - 1] + side - y >= overlap) && side > overlap) return side;
  }
  return undefined;
}

/** Evenly spread origins, aligned down to TILE_ALIGN, the last flush with the end. */
function origins(length: number, count: number, side: number): number[] {
  if (count === 1) return [0];
  const span = length - side;
  return Array.from({ length: count }, (_, i) =>
    i === count - 1 ? span : Math.floor((i * span) / (count - 1) / TILE_ALIGN) * TILE_ALIGN,
  );
}

/**
 * Feather weights of each tile, normalised so that at every pixel the tiles covering it sum to 1
 * (a partition of unity). A tile's raw weight is the product of two 1-D ramps rising linearly over
 * `feather` pixels from each edge that lies inside the image (edges on the image border stay at 1):
 *   ramp(d) = min(1, (d + 1) / (feather + 1)),  d = distance in pixels from that edge.
 * Returns one `Float32Array` of `height·width` per tile, row-major.
 */
export function featherWeights(tiles: readonly Tile[], [height, width]: readonly [number, number], feather: number): Float32Array[] {
  const raw = tiles.map((t) => {
    const rows = ramp(t.height, t.y > 0, t.y + t.height < height, feather);
    const cols = ramp(t.width, t.x > 0, t.x + t.width < width, feather);
    const w = new Float32Array(t.height * t.width);
    for (let r = 0; r < t.height; r++) for (let c = 0; c < t.width; c++) w[r * t.width + c] = rows[r] * cols[c];
    return w;
  });
  const sum = new Float32Array(height * width);
  tiles.forEach((t, i) => {
    for (let r = 0; r < t.height; r++) {
      for (let c = 0; c < t.width; c++) sum[(t.y + r) * width + t.x + c] += raw[i][r * t.width + c];
    }
  });
  tiles.forEach((t, i) => {
    for (let r = 0; r < t.height; r++) {
      for (let c = 0; c < t.width; c++) raw[i][r * t.width + c] /= sum[(t.y + r) * width + t.x + c];
    }
  });
  return raw;
}

function ramp(length: number, featherStart: boolean, featherEnd: boolean, feather: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const fromStart = featherStart ? i : Infinity;
    const fromEnd = featherEnd ? length - 1 - i : Infinity;
    out[i] = Math.min(1, (Math.min(fromStart, fromEnd) + 1) / (feather + 1));
  }
  return out;
}

/** Non-overlapping core regions (aligned to TILE_ALIGN) of at most `maxPixels` each, for accumulating statistics. */
export function planCores([height, width]: readonly [number, number], maxPixels: number): Tile[] {
  const side = Math.max(TILE_ALIGN, Math.floor(Math.sqrt(maxPixels) / TILE_ALIGN) * TILE_ALIGN);
  const cores: Tile[] = [];
  for (let y = 0; y < height; y += side) {
    for (let x = 0; x < width; x += side) {
      cores.push({ y, x, height: Math.min(side, height - y), width: Math.min(side, width - x) });
    }
  }
  return cores;
}
