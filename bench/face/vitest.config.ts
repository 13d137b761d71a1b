import path from 'node:path';
import { mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

// Face-training evaluations (`npm run eval`): long, machine-dependent runs, not part of `npm test` / CI.
const config = mergeConfig(base, {
  root: path.resolve(__dirname, '../..'),
  test: { testTimeout: 60 * 60_000, hookTimeout: 10 * 60_000, pool: 'forks', fileParallelism: false, maxWorkers: 1 },
});
config.test.include = ['bench/face/**/*.bench-run.ts'];
export default config;
