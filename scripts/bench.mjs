// `npm run bench [-- <filter>...]`: builds, makes sure Redis and the PyTorch reference are there,
// then runs the benchmarks in bench/**/*.bench-run.ts one after another (never in parallel: they
// measure time) and prints a summary of bench/results/*.json. A filter selects files by name,
// e.g. `npm run bench -- speed queue`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRedis } from './ensure-redis.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false' };

function run(command, args, options = {}) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env, ...options });
}

/** Debian's PyTorch on Debian's threaded OpenBLAS, for the reference numbers (skipped if impossible). */
function ensurePyTorch() {
  const probe = () => spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  let result = probe();
  if (result.status === 0) return result.stdout.trim();
  if (process.getuid?.() !== 0 || spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) {
    console.log('bench: PyTorch reference skipped (needs root and apt-get to install python3-torch)');
    return undefined;
  }
  console.log('bench: installing python3-torch and libopenblas0-pthread (Debian) for the reference');
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-torch', 'python3-numpy', 'libopenblas0-pthread'], { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } });
  result = probe();
  if (result.status === 0) return result.stdout.trim();
  console.log('bench: PyTorch reference skipped (python3-torch could not be installed)');
  return undefined;
}

await ensureRedis({ quiet: true });
if (run(path.join(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '--outputStyle=static']).status !== 0) process.exit(1);
const torch = ensurePyTorch();
if (torch) env.FACESTYLE_PYTORCH = torch;
const filters = process.argv.slice(2);
const vitest = path.join(root, 'node_modules/.bin/vitest');
const result = run(vitest, ['run', '--config', 'bench/vitest.config.ts', ...filters]);
// The wasm path once more on a single XNNPACK thread: what each of two workers on a 2-core machine gets.
// Same matching as vitest's file filters: a filter selects the files whose path contains it.
const SPEED_BENCH = 'bench/speed/speed.bench-run.ts';
if (filters.length === 0 || filters.some((f) => SPEED_BENCH.includes(f))) {
  run(vitest, ['run', '--config', 'bench/vitest.config.ts', 'speed'], {
    env: { ...env, SPEED_BACKENDS: 'wasm', SPEED_WASM_THREADS: '1', SPEED_RESULT_NAME: 'speed-wasm-1-thread' },
  });
}

const resultsDir = path.join(root, 'bench/results');
const summary = {};
for (const file of fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => f.endsWith('.json') && f !== 'summary.json') : []) {
  const data = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8'));
  summary[data.name ?? file] = data;
}
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, 'summary.json'), JSON.stringify(summary, null, 2));
console.log(`\nbench: results in bench/results/ (summary.json has all of them)`);
process.exit(result.status ?? 1);
