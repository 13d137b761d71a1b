// Small DOM and formatting helpers shared by the views.

/**
 * Creates an element: `h('a', {href: '/x', class: 'y'}, 'text', child)`. Attributes that are
 * functions become event listeners (`onclick`); null/undefined/false attributes and children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const svg = SVG_TAGS.has(tag);
  const element = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function' && name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export const s = h;

const SVG_TAGS = new Set(['svg', 'g', 'path', 'line', 'circle', 'rect', 'text', 'title', 'polyline']);

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `element`. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A number for display: `—` when missing, else up to `digits` significant digits. */
export function num(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)) return value.toExponential(2);
  return String(Number(value.toPrecision(digits)));
}

export function percent(value) {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  const seconds = (Date.now() - date.getTime()) / 1000;
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return date.toLocaleString();
}

export function statusBadge(status) {
  return h('span', { class: `status status-${status}`, 'data-status': status }, status);
}

/** `done/total` with a bar. */
export function progress(done, total) {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const fill = h('div', { class: 'fill' });
  fill.style.width = `${(fraction * 100).toFixed(1)}%`;
  return h('div', { class: 'progress' }, h('div', { class: 'bar' }, fill), h('span', { class: 'text' }, `${done}/${total}`));
}

export function card(label, value, attributes = {}) {
  return h('div', { class: 'card', ...attributes }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}

export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
