// The list pages: training runs, renders and the queue overview (together on the home page).
// Lists are polled; a page with one job follows that job's event stream instead.
import { api, every, imageUrl } from './api.js';
import { h, num, progress, replace, statusBadge, when } from './dom.js';

const LIST_REFRESH_MS = 3000;

export function homeView(container) {
  const stops = [queueSection(container, { compact: true }), runSection(container, { limit: 20 }), renderSection(container, { limit: 20 })];
  return () => stops.forEach((stop) => stop());
}

export function runListView(container) {
  return runSection(container, { limit: 200 });
}

export function renderListView(container) {
  return renderSection(container, { limit: 200 });
}

export function queuesView(container) {
  return queueSection(container, { compact: false });
}

/** A panel whose body is refreshed from `load()` every few seconds; errors show in the panel. */
function pollingPanel(container, { id, title, load, draw }) {
  const status = h('span', { class: 'muted live' }, 'loading');
  const error = h('div', { class: 'error' });
  const body = h('div', { class: 'panel-body' });
  container.append(h('section', { class: 'panel', id }, h('div', { class: 'title-row' }, h('h2', {}, title), status), error, body));
  return every(LIST_REFRESH_MS, async () => {
    try {
      const data = await load();
      error.textContent = '';
      draw(body, data);
      status.textContent = `updated ${new Date().toLocaleTimeString()}`;
      status.classList.add('on');
    } catch (err) {
      error.textContent = err.message;
      status.classList.remove('on');
      throw err;
    }
  });
}

function runSection(container, { limit }) {
  return pollingPanel(container, {
    id: 'runs',
    title: 'Training runs',
    load: () => api(`/v1/training-runs?limit=${limit}`),
    draw: (body, { runs }) => {
      if (runs.length === 0) return replace(body, h('p', { class: 'muted' }, 'No training runs yet. Submit one with POST /v1/training-runs.'));
      replace(
        body,
        h(
          'table',
          { 'data-table': 'runs' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Status'), h('th', {}, 'Step'), h('th', { class: 'num' }, 'Loss'), h('th', { class: 'num' }, 'ROC AUC'), h('th', { class: 'num' }, 'EER'), h('th', {}, 'Created'))),
          h(
            'tbody',
            {},
            runs.map((run) =>
              h(
                'tr',
                { 'data-run': run.id },
                h('td', {}, h('a', { href: `/dashboard/runs/${encodeURIComponent(run.id)}`, class: 'mono' }, run.id)),
                h('td', {}, statusBadge(run.status)),
                h('td', {}, progress(run.step, run.steps)),
                h('td', { class: 'num', 'data-field': 'loss' }, num(run.loss)),
                h('td', { class: 'num', 'data-field': 'rocAuc' }, num(run.evaluation?.rocAuc)),
                h('td', { class: 'num', 'data-field': 'eer' }, num(run.evaluation?.eer)),
                h('td', { class: 'muted' }, when(run.createdAt)),
              ),
            ),
          ),
        ),
      );
    },
  });
}

function renderSection(container, { limit }) {
  return pollingPanel(container, {
    id: 'renders',
    title: 'Renders',
    load: () => api(`/v1/renders?limit=${limit}`),
    draw: (body, { renders }) => {
      if (renders.length === 0) return replace(body, h('p', { class: 'muted' }, 'No renders yet. Submit one with POST /v1/renders.'));
      replace(
        body,
        h(
          'table',
          { 'data-table': 'renders' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Render'), h('th', {}, 'Status'), h('th', {}, 'Iteration'), h('th', { class: 'num' }, 'Total loss'), h('th', { class: 'num' }, 'Size'), h('th', {}, 'Output'), h('th', {}, 'Created'))),
          h(
            'tbody',
            {},
            renders.map((render) =>
              h(
                'tr',
                { 'data-render': render.id },
                h('td', {}, h('a', { href: `/dashboard/renders/${encodeURIComponent(render.id)}`, class: 'mono' }, render.id)),
                h('td', {}, statusBadge(render.status)),
                h('td', {}, progress(render.iteration, render.iterations)),
                h('td', { class: 'num' }, num(render.losses?.total)),
                h('td', { class: 'num' }, render.output?.width ? `${render.output.width}×${render.output.height}` : (render.options?.size ?? '—')),
                h('td', {}, render.output ? thumbnail(render.output.url) : null),
                h('td', { class: 'muted' }, when(render.createdAt)),
              ),
            ),
          ),
        ),
      );
    },
  });
}

function thumbnail(path) {
  const img = h('img', { class: 'thumb', alt: 'output' });
  imageUrl(path).then((url) => (img.src = url), () => img.remove());
  return img;
}

function queueSection(container, { compact }) {
  return pollingPanel(container, {
    id: 'queues',
    title: 'Queues',
    load: () => api('/v1/queues'),
    draw: (body, { queues }) => {
      const names = Object.keys(queues);
      const states = [...new Set(names.flatMap((name) => Object.keys(queues[name])))].filter(
        (state) => !compact || names.some((name) => queues[name][state] > 0) || ['waiting', 'active', 'failed'].includes(state),
      );
      replace(
        body,
        h(
          'table',
          { 'data-table': 'queues' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Queue'), states.map((state) => h('th', { class: 'num' }, state)))),
          h(
            'tbody',
            {},
            names.map((name) =>
              h('tr', { 'data-queue': name }, h('td', {}, name), states.map((state) => h('td', { class: 'num', 'data-state': state }, queues[name][state] ?? 0))),
            ),
          ),
        ),
      );
    },
  });
}
