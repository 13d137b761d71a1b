// One style-transfer render: progress, the loss terms per iteration, the previews written along
// the way and the output image. Live while the render is going.
import { api, apiKey, download, imageUrl } from './api.js';
import { card, duration, h, num, progress, replace, statusBadge, TERMINAL, when } from './dom.js';
import { lineChart } from './line-chart.js';
import { followJob, liveIndicator, throttle } from './live.js';

export function renderView(container, [id]) {
  const base = `/v1/renders/${encodeURIComponent(id)}`;
  let render = null;
  const live = liveIndicator();
  const status = h('span');
  const error = h('div', { class: 'error', 'data-error': '' });
  const cards = h('div', { class: 'cards', 'data-cards': 'render' });
  const chart = h('section', { class: 'panel', id: 'loss-panel' });
  const previews = h('section', { class: 'panel', id: 'previews' });
  const output = h('section', { class: 'panel output', id: 'output' });
  const details = h('section', { class: 'panel' });
  container.append(
    h('div', { class: 'title-row' }, h('h1', {}, 'Render ', h('span', { class: 'mono' }, id)), status, live.element),
    error,
    cards,
    h('div', { class: 'grid' }, output, chart),
    previews,
    details,
  );

  const shown = { previews: null, output: null };
  const draw = () => {
    replace(status, statusBadge(render.status));
    error.textContent = render.error ?? '';
    drawCards(cards, render);
    drawChart(chart, render);
    // Images are re-drawn only when the set changes, so they do not flicker on every iteration.
    const previewKey = render.previews.map((p) => p.iteration).join(',');
    if (previewKey !== shown.previews) {
      shown.previews = previewKey;
      drawPreviews(previews, render);
    }
    const outputKey = render.output?.url ?? `pending:${render.status}:${render.previews.at(-1)?.iteration}`;
    if (outputKey !== shown.output) {
      shown.output = outputKey;
      drawOutput(output, render);
    }
    // Re-drawn only when it changes, so an opened <details> stays open.
    const detailsKey = `${render.status}|${render.startedAt}|${render.finishedAt}`;
    if (detailsKey !== details.dataset.key) {
      details.dataset.key = detailsKey;
      drawDetails(details, render);
    }
  };
  const load = async () => {
    render = await api(base);
    draw();
    return TERMINAL.has(render.status);
  };
  // Events carry single iterations; the view (with the whole loss history) is re-read at most once a second.
  const reload = throttle(1000, () => load().catch(() => {}));

  let stopLive = () => {};
  let disposed = false;
  load()
    .then((ended) => {
      if (disposed) return;
      if (ended) return live.set('static');
      stopLive = followJob({
        eventsPath: `${base}/events`,
        onState: live.set,
        onEvent: () => reload(),
        refresh: load,
      });
    })
    .catch((err) => {
      error.textContent = err.message;
    });
  return () => {
    disposed = true;
    stopLive();
    reload.cancel();
  };
}

function drawCards(container, render) {
  const losses = render.losses ?? {};
  replace(
    container,
    card('Iteration', progress(render.iteration, render.iterations), { 'data-field': 'iteration', 'data-value': render.iteration }),
    card('Total loss', num(losses.total), { 'data-field': 'total', 'data-value': losses.total ?? '' }),
    card('Content', num(losses.content)),
    card('Style', num(losses.style)),
    card('Total variation', num(losses.tv)),
    card('Per iteration', render.secondsPerIteration ? `${num(render.secondsPerIteration, 3)} s` : '—'),
    card('ETA', duration(render.etaSeconds)),
    render.output?.width ? card('Size', `${render.output.width}×${render.output.height}`) : card('Long side', render.options?.size ? `${render.options.size} px` : '—'),
  );
}

function drawChart(container, render) {
  const history = render.lossHistory ?? [];
  const series = ['total', 'content', 'style', 'tv'].map((key) => ({
    name: key,
    points: history.filter((entry) => typeof entry[key] === 'number').map((entry) => [entry.iteration, entry[key]]),
  }));
  replace(container, h('h2', {}, 'Losses (log scale)'), lineChart({ id: 'render-loss', xLabel: 'iteration', logY: true, logDecades: 6, series }));
}

function drawPreviews(container, render) {
  if (render.previews.length === 0) return replace(container, h('h2', {}, 'Previews'), h('p', { class: 'muted' }, 'No preview yet.'));
  const figures = render.previews.map((preview) => {
    const img = h('img', { alt: `iteration ${preview.iteration}`, 'data-preview': preview.iteration });
    imageUrl(preview.url).then((url) => (img.src = url), () => img.replaceWith(h('span', { class: 'error' }, 'not available')));
    return h('figure', {}, img, h('figcaption', {}, `iteration ${preview.iteration}`));
  });
  replace(container, h('h2', {}, 'Previews'), h('div', { class: 'images' }, figures));
}

function drawOutput(container, render) {
  if (!render.output) {
    const ended = render.status === 'failed' || render.status === 'cancelled';
    const latest = render.previews.at(-1);
    const text = ended ? `No output: the render ${render.status}.` : 'The output appears here when the render completes.';
    if (!latest) return replace(container, h('h2', {}, 'Output'), h('p', { class: 'muted' }, text));
    // Until then, the latest preview stands in for it.
    const img = h('img', { alt: `iteration ${latest.iteration}`, 'data-latest-preview': latest.iteration });
    imageUrl(latest.url).then((url) => (img.src = url), () => img.remove());
    return replace(container, h('h2', {}, 'Output'), h('p', { class: 'muted' }, `${text} Latest preview: iteration ${latest.iteration}.`), img);
  }
  const img = h('img', { alt: 'rendered output', 'data-output': '' });
  imageUrl(render.output.url).then((url) => (img.src = url), (err) => img.replaceWith(h('span', { class: 'error' }, err.message)));
  const link = h(
    'a',
    {
      href: render.output.url,
      onclick: (event) => {
        if (!apiKey()) return;
        event.preventDefault();
        download(render.output.url, `${render.id}.png`).catch((err) => alert(err.message));
      },
    },
    'download PNG',
  );
  replace(container, h('div', { class: 'title-row' }, h('h2', {}, 'Output'), link), img);
}

function drawDetails(container, render) {
  replace(
    container,
    h('h2', {}, 'Details'),
    h(
      'p',
      { class: 'muted' },
      `Created ${when(render.createdAt)}`,
      render.startedAt ? ` · started ${when(render.startedAt)}` : '',
      render.finishedAt ? ` · finished ${when(render.finishedAt)}` : '',
      ` · attempts ${render.attempts}`,
      render.resumedFrom !== null ? ` · resumed from iteration ${render.resumedFrom}` : '',
    ),
    h('details', {}, h('summary', {}, 'Options'), h('pre', { class: 'mono' }, JSON.stringify(render.options, null, 2))),
  );
}
