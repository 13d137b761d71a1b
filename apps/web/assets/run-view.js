// One training run: its numbers, the loss curve and triplet statistics per step, the evaluation
// on held-out identities over steps, and its checkpoints. Live while the run is going.
import { api, apiKey, download } from './api.js';
import { card, duration, h, num, percent, progress, replace, statusBadge, TERMINAL, when } from './dom.js';
import { lineChart } from './line-chart.js';
import { followJob, liveIndicator, throttle } from './live.js';

const DEFAULT_MARGIN = 0.2;

export function runView(container, [id]) {
  const base = `/v1/training-runs/${encodeURIComponent(id)}`;
  const state = { run: null, steps: [], evaluations: [] };
  const live = liveIndicator();
  const status = h('span');
  const error = h('div', { class: 'error', 'data-error': '' });
  const cards = h('div', { class: 'cards', 'data-cards': 'run' });
  const charts = h('div', { class: 'grid' });
  const checkpoints = h('section', { class: 'panel', id: 'checkpoints' });
  const details = h('section', { class: 'panel' });
  container.append(
    h('div', { class: 'title-row' }, h('h1', {}, 'Training run ', h('span', { class: 'mono' }, id)), status, live.element),
    error,
    cards,
    charts,
    checkpoints,
    details,
  );

  const draw = throttle(250, () => {
    if (!state.run) return;
    replace(status, statusBadge(state.run.status));
    error.textContent = state.run.error ?? '';
    drawCards(cards, state.run);
    drawCharts(charts, state);
    drawCheckpoints(checkpoints, state.run);
    // Re-drawn only when it changes, so an opened <details> stays open.
    const detailsKey = `${state.run.status}|${state.run.startedAt}|${state.run.finishedAt}`;
    if (detailsKey !== details.dataset.key) {
      details.dataset.key = detailsKey;
      drawDetails(details, state.run);
    }
  });

  const loadView = async () => {
    state.run = await api(base);
    draw();
    return TERMINAL.has(state.run.status);
  };
  const loadMetrics = async () => {
    const metrics = await api(`${base}/metrics`);
    state.steps = metrics.steps;
    state.evaluations = metrics.evaluations;
    draw();
  };
  const refreshView = throttle(1000, () => loadView().catch(() => {}));

  let stopLive = () => {};
  let disposed = false;
  Promise.all([loadView(), loadMetrics()])
    .then(([ended]) => {
      if (disposed) return;
      if (ended) return live.set('static');
      stopLive = followJob({
        eventsPath: `${base}/events`,
        onState: live.set,
        onEvent: (type, data) => {
          if (type === 'snapshot' || type === 'end') {
            state.run = data;
            draw();
          } else if (type === 'history') {
            addHistory(state, data.entries ?? []);
            draw();
          } else if (type === 'update') {
            refreshView();
          }
        },
        refresh: async () => {
          const [ended] = await Promise.all([loadView(), loadMetrics()]);
          return ended;
        },
      });
    })
    .catch((err) => {
      error.textContent = err.message;
    });

  return () => {
    disposed = true;
    stopLive();
    draw.cancel();
    refreshView.cancel();
  };
}

/** Appends streamed history; an entry at or before the last known step (a resumed run) replaces what follows. */
function addHistory(state, entries) {
  for (const entry of entries) {
    const list = entry.type === 'evaluation' ? state.evaluations : entry.type === 'step' ? state.steps : null;
    if (!list) continue;
    while (list.length > 0 && list[list.length - 1].step >= entry.step) list.pop();
    list.push(entry);
  }
}

function drawCards(container, run) {
  const evaluation = run.evaluation;
  const tar = Object.entries(evaluation?.tarAtFar ?? {}).map(([far, value]) =>
    card(`TAR @ FAR ${far}`, percent(value), { 'data-field': `tarAtFar-${far}`, 'data-value': value }),
  );
  replace(
    container,
    card('Step', progress(run.step, run.steps), { 'data-field': 'step', 'data-value': run.step }),
    card('Loss', num(run.loss), { 'data-field': 'loss', 'data-value': run.loss ?? '' }),
    card('Active triplets', percent(run.activeTripletFraction), { 'data-field': 'activeTripletFraction', 'data-value': run.activeTripletFraction ?? '' }),
    card('ROC AUC', num(evaluation?.rocAuc), { 'data-field': 'rocAuc', 'data-value': evaluation?.rocAuc ?? '' }),
    card('EER', num(evaluation?.eer), { 'data-field': 'eer', 'data-value': evaluation?.eer ?? '' }),
    card('Threshold', num(evaluation?.threshold), { 'data-field': 'threshold', 'data-value': evaluation?.threshold ?? '' }),
    card('Accuracy', percent(evaluation?.accuracy), { 'data-field': 'accuracy', 'data-value': evaluation?.accuracy ?? '' }),
    tar,
    card('Evaluated at', evaluation ? `step ${evaluation.step}` : '—'),
    card('Best step', run.bestStep ?? '—', { 'data-field': 'bestStep' }),
    card('Speed', run.stepsPerSecond ? `${num(run.stepsPerSecond, 3)} steps/s` : '—'),
    card('ETA', duration(run.etaSeconds)),
  );
}

function drawCharts(container, { run, steps, evaluations }) {
  const at = (key) => steps.filter((s) => typeof s[key] === 'number').map((s) => [s.step, s[key]]);
  const options = run.options ?? {};
  const margin = options.loss?.softMargin ? null : (options.loss?.margin ?? DEFAULT_MARGIN);
  const threshold = run.evaluation?.threshold;
  replace(
    container,
    h(
      'section',
      { class: 'panel', id: 'loss-panel' },
      h('h2', {}, 'Triplet loss'),
      lineChart({
        id: 'loss',
        xLabel: 'step',
        series: [{ name: 'loss', points: at('loss') }],
        guides: margin === null ? [] : [{ y: margin, label: `margin ${margin}` }],
      }),
    ),
    h(
      'section',
      { class: 'panel', id: 'active-panel' },
      h('h2', {}, 'Active-triplet fraction'),
      lineChart({ id: 'active-triplets', xLabel: 'step', yMin: 0, yMax: 1, series: [{ name: 'active', points: at('activeTripletFraction') }] }),
    ),
    h(
      'section',
      { class: 'panel', id: 'evaluation-panel' },
      h('h2', {}, 'Held-out evaluation'),
      lineChart({
        id: 'evaluation',
        xLabel: 'step',
        yMin: 0,
        yMax: 1,
        series: [
          { name: 'ROC AUC', points: evaluations.map((e) => [e.step, e.rocAuc]), markers: true },
          { name: 'EER', points: evaluations.map((e) => [e.step, e.eer]), markers: true },
        ],
      }),
    ),
    h(
      'section',
      { class: 'panel', id: 'distance-panel' },
      h('h2', {}, 'Batch distances'),
      lineChart({
        id: 'distances',
        xLabel: 'step',
        series: [
          { name: 'positive pairs', points: at('meanPositiveDistance') },
          { name: 'negative pairs', points: at('meanNegativeDistance') },
          { name: 'spread', points: at('embeddingSpread') },
        ],
        guides: typeof threshold === 'number' ? [{ y: threshold, label: `threshold ${num(threshold)}` }] : [],
      }),
    ),
  );
}

function drawCheckpoints(container, run) {
  if (run.checkpoints.length === 0) return replace(container, h('h2', {}, 'Checkpoints'), h('p', { class: 'muted' }, 'No checkpoint yet.'));
  const rows = [...run.checkpoints].reverse().map((checkpoint) => {
    const weightsUrl = checkpoint.modelUrl.replace(/model\.json$/, 'weights.bin');
    return h(
      'tr',
      { 'data-checkpoint': checkpoint.step },
      h('td', { class: 'num' }, checkpoint.step, checkpoint.step === run.bestStep ? h('span', { class: 'muted' }, ' (best)') : null),
      h('td', { class: 'muted' }, when(checkpoint.createdAt)),
      h(
        'td',
        { class: 'actions' },
        fileLink(checkpoint.modelUrl, `${run.id}-step-${checkpoint.step}-model.json`, 'model.json'),
        fileLink(weightsUrl, `weights.bin`, 'weights.bin'),
        h('a', { href: `/examples/verify.html?run=${encodeURIComponent(run.id)}&step=${checkpoint.step}` }, 'verify faces in the browser'),
      ),
    );
  });
  replace(
    container,
    h('h2', {}, 'Checkpoints'),
    h('p', { class: 'muted' }, 'TF.js layers models: ', h('code', {}, "tf.loadLayersModel('<model.json URL>')"), ' (register the custom layers first: see /examples/face-layers.js).'),
    h('table', { 'data-table': 'checkpoints' }, h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'Step'), h('th', {}, 'Saved'), h('th', {}, 'Files'))), h('tbody', {}, rows)),
  );
}

/** A plain link to an API file; with an API key set, clicking downloads it with the key. */
function fileLink(url, fileName, label) {
  return h('a', {
    href: url,
    'data-file': label,
    onclick: (event) => {
      if (!apiKey()) return;
      event.preventDefault();
      download(url, fileName).catch((err) => alert(err.message));
    },
  }, label);
}

function drawDetails(container, run) {
  replace(
    container,
    h('h2', {}, 'Details'),
    h(
      'p',
      { class: 'muted' },
      `Dataset ${run.datasetId} · created ${when(run.createdAt)}`,
      run.startedAt ? ` · started ${when(run.startedAt)}` : '',
      run.finishedAt ? ` · finished ${when(run.finishedAt)}` : '',
      ` · attempts ${run.attempts}`,
      run.resumedFrom !== null ? ` · resumed from step ${run.resumedFrom}` : '',
    ),
    h('details', {}, h('summary', {}, 'Options'), h('pre', { class: 'mono' }, JSON.stringify(run.options, null, 2))),
  );
}
