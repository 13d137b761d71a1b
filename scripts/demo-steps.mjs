// The jobs the demo runs against a live API: a smoke-test job, a small triplet-loss training run
// on AT&T faces, and a small style-transfer render. Each prints what it did. Test data comes from
// ../shared (FACESTYLE_SHARED_DIR); without it the ML steps are skipped with a message.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

async function json(url, init = {}) {
  const headers = init.body instanceof FormData || init.raw ? {} : { 'content-type': 'application/json' };
  const response = await fetch(url, { ...init, headers: { ...headers, ...(init.headers || {}) } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${init.method || 'GET'} ${url}: ${response.status} ${body.message}`);
  return body;
}

async function waitFor(url, done, timeoutMs, report) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let lastPrinted = 0;
  for (;;) {
    const body = await json(url);
    const line = report?.(body);
    // A live line on a terminal; in a log, one line every few seconds.
    if (line && line !== last && (process.stdout.isTTY || Date.now() - lastPrinted > 5_000)) {
      process.stdout.write(process.stdout.isTTY ? `\r  ${line}`.padEnd(80) : `  ${line}\n`);
      last = line;
      lastPrinted = Date.now();
    }
    if (done(body)) {
      if (last && process.stdout.isTTY) process.stdout.write('\n');
      return body;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting on ${url}: ${JSON.stringify(body).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A .tar.gz of <identity>/<file> entries (ustar headers, no dependency). */
function tarGz(files) {
  const blocks = [];
  for (const { name, data } of files) {
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}

export async function demoSteps({ baseUrl, root, step }) {
  step('diagnostics: an echo job through queue, worker and storage');
  const { id } = await json(`${baseUrl}/v1/diagnostics/echo`, { method: 'POST', body: JSON.stringify({ message: 'hello from the demo' }) });
  const record = await waitFor(`${baseUrl}/v1/diagnostics/echo/${id}`, (r) => ['completed', 'failed'].includes(r.status), 60_000);
  console.log(`  job ${id}: ${record.status} after ${record.attempts} attempt(s); stored ${record.result?.key}`);
  if (record.status !== 'completed') throw new Error(`echo job failed: ${record.error}`);

  const shared = process.env.FACESTYLE_SHARED_DIR || path.resolve(root, '../shared');
  const faces = path.join(shared, 'datasets/att-faces');
  if (!fs.existsSync(faces)) {
    console.log(`\n  (no test data at ${shared}: training and render steps skipped; set FACESTYLE_SHARED_DIR)`);
    return;
  }

  step('dataset: AT&T faces s1..s12 as a .tar.gz upload');
  const files = [];
  for (let i = 1; i <= 12; i++) {
    for (const file of fs.readdirSync(path.join(faces, `s${i}`)).sort()) files.push({ name: `s${i}/${file}`, data: fs.readFileSync(path.join(faces, `s${i}`, file)) });
  }
  const dataset = await json(`${baseUrl}/v1/datasets?name=att-demo`, { method: 'POST', body: tarGz(files), raw: true, headers: { 'content-type': 'application/gzip' } });
  console.log(`  dataset ${dataset.id}: ${dataset.identities} identities, ${dataset.images} images, ${dataset.rejected.length} rejected`);

  step('training run: 120 steps of triplet loss, 3 identities held out for evaluation');
  const run = await json(`${baseUrl}/v1/training-runs`, {
    method: 'POST',
    body: JSON.stringify({ datasetId: dataset.id, steps: 120, model: { inputSize: 32, embeddingDim: 32 }, validation: { identities: 3 }, evalEvery: 60, checkpointEvery: 60, seed: 1 }),
  });
  const trained = await waitFor(`${baseUrl}/v1/training-runs/${run.id}`, (r) => ['completed', 'failed', 'cancelled'].includes(r.status), 15 * 60_000, (r) =>
    `step ${r.step}/${r.steps}  loss ${r.loss?.toFixed(4) ?? '–'}  ${r.evaluation ? `held-out AUC ${r.evaluation.rocAuc.toFixed(3)}` : ''}`,
  );
  if (trained.status !== 'completed') throw new Error(`training run ${trained.status}: ${trained.error}`);
  const ev = trained.evaluation;
  console.log(`  run ${run.id}: held-out ROC AUC ${ev.rocAuc.toFixed(3)}, EER ${ev.eer.toFixed(3)}, threshold ${ev.threshold.toFixed(3)}`);
  console.log(`  checkpoint: ${baseUrl}${trained.checkpoints.at(-1).modelUrl}`);

  const content = path.join(shared, 'images/content/tubingen.jpg');
  const style = path.join(shared, 'images/style/starry_night.jpg');
  const vgg = path.join(shared, 'models/vgg19-block3/model.json');
  if (!process.env.VGG19_MODEL_URL && !fs.existsSync(vgg)) return;
  step('render: tubingen.jpg in the style of starry_night.jpg, 128 px, 60 iterations');
  const form = new FormData();
  form.append('content', new Blob([fs.readFileSync(content)]), 'tubingen.jpg');
  form.append('style', new Blob([fs.readFileSync(style)]), 'starry_night.jpg');
  form.append('options', JSON.stringify({ size: 128, iterations: 60, previewEvery: 20, seed: 1 }));
  const render = await json(`${baseUrl}/v1/renders`, { method: 'POST', body: form });
  const rendered = await waitFor(`${baseUrl}/v1/renders/${render.id}`, (r) => ['completed', 'failed', 'cancelled'].includes(r.status), 15 * 60_000, (r) =>
    `iteration ${r.iteration}/${r.iterations}  total loss ${r.losses?.total?.toExponential(3) ?? '–'}`,
  );
  if (rendered.status !== 'completed') throw new Error(`render ${rendered.status}: ${rendered.error}`);
  const png = Buffer.from(await (await fetch(`${baseUrl}${rendered.output.url}`)).arrayBuffer());
  const out = path.join(root, '.data/demo-render.png');
  fs.writeFileSync(out, png);
  const first = rendered.lossHistory[0].total;
  const last = rendered.lossHistory.at(-1).total;
  console.log(`  render ${render.id}: ${rendered.output.width}×${rendered.output.height}, total loss ${first.toExponential(3)} → ${last.toExponential(3)}; saved ${path.relative(root, out)}`);
}
