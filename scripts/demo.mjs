// `npm run demo`: from a fresh clone to finished jobs on the embedded defaults (local Redis,
// `fs` storage in ./.data). Installs and builds what is missing, starts the API and a worker,
// runs the demo jobs through the HTTP API, prints what happened, and stops what it started.
// `npm run demo -- --keep` leaves API and worker running afterwards.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRedis } from './ensure-redis.mjs';
import { demoSteps } from './demo-steps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const port = process.env.PORT || '3000';
const baseUrl = `http://127.0.0.1:${port}`;
const env = { ...process.env, PORT: port, STORAGE_DRIVER: process.env.STORAGE_DRIVER || 'fs', NX_DAEMON: 'false' };
// Without network access the public VGG19 cannot be fetched: use the truncated weights next to the repo.
const sharedVgg = path.join(process.env.FACESTYLE_SHARED_DIR || path.resolve(root, '../shared'), 'models/vgg19-block3/model.json');
if (!env.VGG19_MODEL_URL && fs.existsSync(sharedVgg)) env.VGG19_MODEL_URL = `file://${sharedVgg}`;

function step(message) {
  console.log(`\n▶ ${message}`);
}

function runOrExit(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!fs.existsSync(path.join(root, 'node_modules/.bin/nx'))) {
  step('installing dependencies (npm ci)');
  runOrExit('npm', ['ci', '--no-audit', '--no-fund']);
}
if (!fs.existsSync(path.join(root, 'apps/api/dist/main.js')) || !fs.existsSync(path.join(root, 'apps/worker/dist/main.js')) || process.argv.includes('--build')) {
  step('building');
  runOrExit(path.join(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '--outputStyle=static']);
}
step('Redis');
console.log(`  ${await ensureRedis({ quiet: true })} at ${process.env.REDIS_URL || 'redis://127.0.0.1:6379'}`);

const children = [];
function start(name, file) {
  const child = spawn(process.execPath, [path.join(root, file)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = fs.createWriteStream(path.join(root, `.data/${name}.log`), { flags: 'a' });
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  children.push(child);
  child.on('exit', (code) => {
    if (!stopping) console.error(`  ${name} exited with code ${code}; see .data/${name}.log`);
  });
  return child;
}
let stopping = false;
function stopAll() {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
}
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

fs.mkdirSync(path.join(root, '.data'), { recursive: true });
step(`starting API on ${baseUrl} and one worker (logs in .data/)`);
start('api', 'apps/api/dist/main.js');
start('worker', 'apps/worker/dist/main.js');

async function waitHealthy() {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/health`);
      last = await response.text();
      if (response.ok) return JSON.parse(last);
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`API not healthy after 60 s: ${last}`);
}

try {
  const health = await waitHealthy();
  console.log(`  healthy: redis ${health.redis}, storage ${health.storage}, TF.js backend ${health.backendName}`);
  await demoSteps({ baseUrl, root, step });
  console.log('\n✔ demo finished');
  if (keep) {
    console.log(`  API and worker keep running (${baseUrl}/docs); Ctrl-C stops them.`);
  } else {
    stopAll();
  }
} catch (err) {
  console.error(`\n✘ demo failed: ${err.message}`);
  stopAll();
  process.exit(1);
}
