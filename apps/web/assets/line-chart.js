// A small SVG line chart: linear x, linear or log y, nice ticks, one path per series, markers
// for sparse series, optional horizontal guides, and a readout of the values under the pointer.
import { h, num } from './dom.js';

const WIDTH = 640;
const MARGIN = { left: 58, right: 14, top: 12, bottom: 34 };
/** Longer series are drawn from min/max per pixel bucket, so a 100k-step run stays cheap. */
const MAX_PATH_POINTS = 1200;

/**
 * @param {object} spec
 * @param {string} spec.id            name used in data-chart (and by tests)
 * @param {{name: string, points: [number, number][], markers?: boolean}[]} spec.series
 * @param {string} spec.xLabel
 * @param {boolean} [spec.logY]
 * @param {number} [spec.yMin]        fixed lower bound of the y axis
 * @param {number} [spec.yMax]        fixed upper bound of the y axis
 * @param {{y: number, label: string}[]} [spec.guides]
 * @param {number} [spec.height]
 */
export function lineChart(spec) {
  const height = spec.height ?? 220;
  const logY = Boolean(spec.logY);
  const series = spec.series.map((one, index) => ({
    ...one,
    index,
    points: one.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0)),
  }));
  const all = series.flatMap((one) => one.points);
  const svg = h('svg', { class: 'chart', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'data-chart': spec.id, 'aria-label': spec.title ?? spec.id });
  const readout = h('div', { class: 'chart-readout' });
  const legend = h(
    'div',
    { class: 'legend' },
    series.map((one) => h('span', {}, h('span', { class: `swatch series-${one.index}` }), `${one.name} (${one.points.length})`)),
  );
  const wrapper = h('div', { class: 'chart-wrapper', 'data-chart-wrapper': spec.id }, svg, legend, readout);
  if (all.length === 0) {
    svg.append(h('text', { class: 'empty', x: WIDTH / 2, y: height / 2, 'text-anchor': 'middle' }, 'no data yet'));
    return wrapper;
  }

  const plot = { left: MARGIN.left, right: WIDTH - MARGIN.right, top: MARGIN.top, bottom: height - MARGIN.bottom };
  const [x0, x1] = padDomain(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])), 0);
  const ty = logY ? Math.log10 : (v) => v;
  let [y0, y1] = padDomain(Math.min(...all.map((p) => ty(p[1]))), Math.max(...all.map((p) => ty(p[1]))), 0.06);
  if (spec.yMin !== undefined) y0 = ty(spec.yMin);
  if (spec.yMax !== undefined) y1 = ty(spec.yMax);
  // A value many decades below the rest (a loss term that starts at 0) would flatten everything else.
  if (logY && spec.logDecades) y0 = Math.max(y0, y1 - spec.logDecades);
  const sx = (x) => plot.left + ((x - x0) / (x1 - x0)) * (plot.right - plot.left);
  // Values outside a fixed or clipped domain are drawn on the plot's edge.
  const sy = (y) => Math.max(plot.top, Math.min(plot.bottom, plot.bottom - ((ty(y) - y0) / (y1 - y0)) * (plot.bottom - plot.top)));

  const grid = h('g', { class: 'grid' });
  const axis = h('g', { class: 'axis' });
  for (const tick of logY ? logTicks(y0, y1) : niceTicks(y0, y1, 5)) {
    const y = sy(tick);
    grid.append(h('line', { x1: plot.left, x2: plot.right, y1: y, y2: y }));
    axis.append(h('text', { x: plot.left - 6, y: y + 4, 'text-anchor': 'end' }, tickLabel(tick)));
  }
  // x is a step or iteration count: integer ticks only.
  for (const tick of niceTicks(x0, x1, 6).filter((t) => Number.isInteger(t))) {
    const x = sx(tick);
    grid.append(h('line', { x1: x, x2: x, y1: plot.top, y2: plot.bottom }));
    axis.append(h('text', { x, y: plot.bottom + 16, 'text-anchor': 'middle' }, num(tick, 4)));
  }
  axis.append(h('line', { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom }));
  axis.append(h('line', { x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.bottom }));
  axis.append(h('text', { x: (plot.left + plot.right) / 2, y: height - 4, 'text-anchor': 'middle' }, spec.xLabel));
  svg.append(grid, axis);

  for (const guide of spec.guides ?? []) {
    if (!Number.isFinite(guide.y) || (logY && guide.y <= 0)) continue;
    const y = Math.max(plot.top, Math.min(plot.bottom, sy(guide.y)));
    svg.append(h('line', { class: 'threshold', x1: plot.left, x2: plot.right, y1: y, y2: y }));
    svg.append(h('text', { x: plot.right - 4, y: y - 4, 'text-anchor': 'end' }, guide.label));
  }

  for (const one of series) {
    if (one.points.length === 0) continue;
    const drawn = downsample(one.points, MAX_PATH_POINTS);
    const d = drawn.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    svg.append(
      h('path', { class: `series series-${one.index}`, d, 'data-series': one.name, 'data-points': one.points.length }, h('title', {}, one.name)),
    );
    if (one.markers || one.points.length <= 2) {
      for (const [x, y] of one.points.slice(-200)) {
        svg.append(h('circle', { class: `marker series-${one.index}`, cx: sx(x).toFixed(1), cy: sy(y).toFixed(1), r: 3 }));
      }
    }
  }

  // Pointer readout: the nearest point of each series to the pointer's x.
  const cursor = h('line', { class: 'cursor', y1: plot.top, y2: plot.bottom, x1: -10, x2: -10 });
  const overlay = h('rect', { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top, fill: 'transparent' });
  svg.append(cursor, overlay);
  overlay.addEventListener('pointermove', (event) => {
    const box = svg.getBoundingClientRect();
    const x = x0 + (((event.clientX - box.left) / box.width) * WIDTH - plot.left) / (plot.right - plot.left) * (x1 - x0);
    const parts = [];
    let shownX = null;
    for (const one of series) {
      const nearest = nearestByX(one.points, x);
      if (!nearest) continue;
      shownX ??= nearest[0];
      parts.push(`${one.name} ${num(nearest[1], 5)}`);
    }
    if (shownX === null) return;
    cursor.setAttribute('x1', sx(shownX));
    cursor.setAttribute('x2', sx(shownX));
    readout.textContent = `${spec.xLabel} ${shownX}: ${parts.join(' · ')}`;
  });
  overlay.addEventListener('pointerleave', () => {
    cursor.setAttribute('x1', -10);
    cursor.setAttribute('x2', -10);
    readout.textContent = '';
  });
  return wrapper;
}

function padDomain(min, max, fraction) {
  if (min === max) return [min - (Math.abs(min) * 0.1 || 1), max + (Math.abs(max) * 0.1 || 1)];
  const pad = (max - min) * fraction;
  return [min - pad, max + pad];
}

/** Round tick values (1, 2, 5 × 10ⁿ steps) covering [min, max]. */
export function niceTicks(min, max, count) {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks of a log axis whose domain is [log10 lo, log10 hi]: every k-th power of ten (≤ 6 ticks), or 1-2-5 within a decade. */
function logTicks(lo, hi) {
  const ticks = [];
  const every = Math.max(1, Math.ceil((hi - lo) / 6));
  for (let e = Math.ceil(lo / every) * every - (hi - lo < 1.5 ? 1 : 0); e <= Math.ceil(hi); e += every) {
    for (const m of hi - lo < 1.5 ? [1, 2, 5] : [1]) {
      const value = m * 10 ** e;
      if (Math.log10(value) >= lo && Math.log10(value) <= hi) ticks.push(value);
    }
  }
  return ticks.length >= 2 ? ticks : [10 ** lo, 10 ** hi];
}

/** Axis numbers: powers of ten as 1e6, others short. */
function tickLabel(value) {
  const exponent = Math.log10(Math.abs(value));
  if (value !== 0 && Number.isInteger(Math.round(exponent * 1e9) / 1e9) && Math.abs(exponent) >= 4) return `1e${Math.round(exponent)}`;
  return num(value, 3);
}

/** Keeps the first, last, and the min and max of each bucket, in x order. */
function downsample(points, limit) {
  if (points.length <= limit) return points;
  const buckets = Math.floor(limit / 2);
  const size = points.length / buckets;
  const out = [points[0]];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    if (slice.length === 0) continue;
    let low = slice[0];
    let high = slice[0];
    for (const p of slice) {
      if (p[1] < low[1]) low = p;
      if (p[1] > high[1]) high = p;
    }
    out.push(...(low[0] <= high[0] ? [low, high] : [high, low]));
  }
  out.push(points[points.length - 1]);
  return out;
}

function nearestByX(points, x) {
  let best = null;
  for (const p of points) if (!best || Math.abs(p[0] - x) < Math.abs(best[0] - x)) best = p;
  return best;
}
