// Face verification in the browser with a Facestyle checkpoint: load model.json with
// tf.loadLayersModel, embed two faces, compare their distance with the checkpoint's threshold
// (a match when distance ≤ threshold, as the API's POST /v1/training-runs/:id/verify).
//
// For scripts and tests, the last result is also on `window.facestyleVerify`.
import { api, apiKey, setApiKey } from '/assets/api.js';
import { FACE_LAYERS } from './face-layers.js';
import { preprocessFaceImage } from './face-preprocessing.js';

const tf = globalThis.tf;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const state = {
  model: null,
  url: null,
  metadata: null,
  spec: null,
  files: [null, null],
  faces: [null, null],
  embeddings: null,
  distance: null,
  threshold: null,
  match: null,
  backend: null,
  customLayers: FACE_LAYERS,
};
window.facestyleVerify = state;

function fail(err) {
  $('error').textContent = err ? (err.message ?? String(err)) : '';
}

// ---- model -------------------------------------------------------------------------------------

function checkpointUrl(runId, step) {
  return `/v1/training-runs/${encodeURIComponent(runId)}/checkpoints/${encodeURIComponent(step)}/model.json`;
}

/** Sends the API key with the request only when the model comes from this server. */
function requestInit(url) {
  const sameOrigin = new URL(url, location.href).origin === location.origin;
  return sameOrigin && apiKey() ? { headers: { Authorization: `Bearer ${apiKey()}` } } : {};
}

async function loadModel() {
  fail(null);
  const url = $('model-url').value.trim();
  if (!url) throw new Error('choose a run or enter a model.json URL');
  const status = $('model-status');
  status.textContent = 'loading…';
  $('load-model').disabled = true;
  try {
    const backend = $('backend').value;
    if (backend && tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`backend ${backend} is not available here`);
    await tf.ready();
    const model = await tf.loadLayersModel(url, { requestInit: requestInit(url) });
    state.model?.dispose();
    state.model = model;
    state.url = url;
    state.backend = tf.getBackend();
    state.metadata = model.getUserDefinedMetadata() ?? null;
    state.spec = preprocessingOf(model, state.metadata);
    state.threshold = typeof state.metadata?.threshold === 'number' ? state.metadata.threshold : null;
    $('threshold').value = state.threshold ?? '';
    showModelInfo();
    status.textContent = `loaded (${state.backend})`;
    await Promise.all([0, 1].map((i) => (state.files[i] ? prepareFace(i) : null)));
    await verify();
  } catch (err) {
    status.textContent = 'not loaded';
    throw err;
  } finally {
    $('load-model').disabled = false;
  }
}

/** The metadata's preprocessing, or (for a model without it) the input shape and the server's default normalisation. */
function preprocessingOf(model, metadata) {
  const [, height, width, channels] = model.inputs[0].shape;
  const recorded = metadata?.preprocessing;
  const spec = recorded ?? { inputSize: height, channels, normalization: 'per-image-standardization' };
  if (spec.inputSize !== height || spec.inputSize !== width || spec.channels !== channels) {
    throw new Error(`model.json metadata says ${spec.inputSize}×${spec.inputSize}×${spec.channels}, the model takes ${height}×${width}×${channels}`);
  }
  return spec;
}

function showModelInfo() {
  const m = state.metadata ?? {};
  const facts = [
    ['Checkpoint step', m.step ?? '—'],
    ['Input', `${state.spec.inputSize}×${state.spec.inputSize}×${state.spec.channels}`],
    ['Normalisation', state.spec.normalization],
    ['Distance', m.distance ?? 'euclidean'],
    ['Threshold', state.threshold === null ? 'none recorded' : state.threshold.toFixed(4)],
    ['Embedding', `${state.model.outputs[0].shape[1]} dims`],
    ['Parameters', state.model.countParams().toLocaleString()],
    ['Backend', state.backend],
  ];
  $('model-info').replaceChildren(
    ...facts.map(([label, value]) => {
      const div = document.createElement('div');
      const dt = Object.assign(document.createElement('dt'), { textContent: label });
      const dd = Object.assign(document.createElement('dd'), { textContent: String(value) });
      dd.dataset.fact = label;
      div.append(dt, dd);
      return div;
    }),
  );
}

// ---- faces -------------------------------------------------------------------------------------

async function prepareFace(index) {
  const file = state.files[index];
  const panel = $(index === 0 ? 'face-a' : 'face-b');
  await drawOriginal(panel.querySelector('canvas.original'), file);
  if (!state.spec) return;
  const face = await preprocessFaceImage(file, state.spec);
  if (state.files[index] !== file) return; // replaced while this one was being read
  state.faces[index] = face;
  drawInput(panel.querySelector('canvas.input'), face.samples, state.spec);
}

async function drawOriginal(canvas, file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  const scale = Math.min(canvas.width / bitmap.width, canvas.height / bitmap.height);
  const w = bitmap.width * scale;
  const h = bitmap.height * scale;
  context.drawImage(bitmap, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
  bitmap.close();
}

/** The model's input as a picture (before normalisation), enlarged without smoothing. */
function drawInput(canvas, samples, spec) {
  const size = spec.inputSize;
  const image = new ImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const [r, g, b] = spec.channels === 1 ? [samples[i], samples[i], samples[i]] : [samples[i * 3], samples[i * 3 + 1], samples[i * 3 + 2]];
    image.data.set([r, g, b, 255], i * 4);
  }
  const small = new OffscreenCanvas(size, size);
  small.getContext('2d').putImageData(image, 0, 0);
  const context = canvas.getContext('2d');
  context.imageSmoothingEnabled = false;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}

// ---- verification ------------------------------------------------------------------------------

function distance(a, b, metric) {
  if (metric === 'cosine') {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return Math.max(0, 1 - dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-12));
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

async function verify() {
  const ready = Boolean(state.model && state.faces[0] && state.faces[1]);
  $('verify').disabled = !ready;
  if (!ready) return;
  const { inputSize, channels } = state.spec;
  const batch = new Float32Array(2 * inputSize * inputSize * channels);
  batch.set(state.faces[0].pixels, 0);
  batch.set(state.faces[1].pixels, state.faces[0].pixels.length);
  const output = tf.tidy(() => state.model.predict(tf.tensor4d(batch, [2, inputSize, inputSize, channels])));
  const values = await output.data();
  output.dispose();
  const dims = values.length / 2;
  state.embeddings = [Array.from(values.slice(0, dims)), Array.from(values.slice(dims))];
  state.distance = distance(state.embeddings[0], state.embeddings[1], state.metadata?.distance ?? 'euclidean');
  const typed = Number.parseFloat($('threshold').value);
  const threshold = Number.isFinite(typed) ? typed : null;
  state.match = threshold === null ? null : state.distance <= threshold;
  showResult(threshold);
}

function clearResult() {
  state.embeddings = null;
  state.distance = null;
  state.match = null;
  const result = $('result');
  result.dataset.state = 'idle';
  delete result.dataset.distance;
  delete result.dataset.threshold;
  const text = state.model ? 'Computing…' : 'Load a model to compare the faces.';
  result.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: text }));
}

function showResult(threshold) {
  const result = $('result');
  result.dataset.state = state.match === null ? 'no-threshold' : state.match ? 'match' : 'no-match';
  result.dataset.distance = String(state.distance);
  result.dataset.threshold = threshold === null ? '' : String(threshold);
  const verdict = state.match === null ? 'No threshold to decide with' : state.match ? 'Match: the same person' : 'No match';
  const relation = threshold === null ? '' : state.match ? ' ≤ ' : ' > ';
  const numbers = document.createElement('p');
  numbers.className = 'numbers';
  numbers.append('distance ', Object.assign(document.createElement('b'), { className: 'distance', textContent: state.distance.toFixed(4) }));
  if (threshold !== null) numbers.append(relation, 'threshold ', Object.assign(document.createElement('b'), { className: 'threshold', textContent: threshold.toFixed(4) }));
  numbers.append(` (${state.metadata?.distance ?? 'euclidean'} distance between L2-normalised embeddings)`);
  result.replaceChildren(Object.assign(document.createElement('div'), { className: 'verdict', textContent: verdict }), numbers);
}

// ---- wiring ------------------------------------------------------------------------------------

async function listRuns() {
  try {
    const { runs } = await api('/v1/training-runs?status=completed&limit=100');
    const select = $('run');
    select.replaceChildren(select.options[0]);
    for (const run of runs.filter((r) => r.checkpoints.length > 0)) {
      const auc = run.evaluation ? ` · AUC ${run.evaluation.rocAuc.toFixed(3)}` : '';
      select.append(new Option(`${run.id} · step ${run.step}${auc}`, run.id));
    }
    if (params.get('run')) select.value = params.get('run');
  } catch (err) {
    $('model-status').textContent = `runs not listed: ${err.message}`;
  }
}

function bind() {
  const key = $('api-key');
  key.value = apiKey();
  key.addEventListener('change', () => {
    setApiKey(key.value.trim());
    void listRuns();
  });
  $('backend').value = params.get('backend') ?? '';
  const pickRun = () => {
    if ($('run').value) $('model-url').value = checkpointUrl($('run').value, $('step').value);
  };
  $('run').addEventListener('change', pickRun);
  $('step').addEventListener('change', pickRun);
  $('model-form').addEventListener('submit', (event) => {
    event.preventDefault();
    loadModel().catch(fail);
  });
  for (const [index, id] of [[0, 'image-a'], [1, 'image-b']]) {
    $(id).addEventListener('change', (event) => {
      const file = event.target.files?.[0];
      if (!file) return;
      state.files[index] = file;
      state.faces[index] = null;
      clearResult();
      prepareFace(index)
        .then(verify)
        .catch(fail);
    });
  }
  $('verify').addEventListener('click', () => verify().catch(fail));
  $('threshold').addEventListener('change', () => verify().catch(fail));

  const step = params.get('step');
  if (step) {
    if (![...$('step').options].some((o) => o.value === step)) $('step').append(new Option(`step ${step}`, step));
    $('step').value = step;
  }
  if (params.get('model')) $('model-url').value = params.get('model');
  else if (params.get('run')) $('model-url').value = checkpointUrl(params.get('run'), step ?? 'latest');
}

if (!tf) {
  fail(new Error('TF.js did not load from /vendor/tf.es2017.min.js (is @tensorflow/tfjs installed next to the API?)'));
} else {
  bind();
  void listRuns();
  if ($('model-url').value) loadModel().catch(fail);
}
