// `npm test`: the whole suite from a clean clone. Starts Redis if needed, builds (apps are tested
// as the processes users run), checks the module boundaries, then runs every test file.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRedis } from './ensure-redis.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: process.env.CI ? 'true' : process.env.NX_SKIP_NX_CACHE };

function run(label, command, args) {
  console.log(`\n== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

await ensureRedis();
const nx = path.join(root, 'node_modules/.bin/nx');
const vitest = path.join(root, 'node_modules/.bin/vitest');
run('build', nx, ['run-many', '-t', 'build', '--outputStyle=static']);
run('lint', nx, ['run-many', '-t', 'lint', '--outputStyle=static']);
run('typecheck (tests and benchmarks too)', path.join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json']);
run('test', vitest, ['run', ...process.argv.slice(2)]);
