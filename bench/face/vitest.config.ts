import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Face-training benchmarks: long, machine-dependent runs that are not part of `npm test` / CI.
export default defineConfig({
  root: path.resolve(__dirname, '../..'),
  test: {
    include: ['bench/face/**/*.bench-run.ts'],
    testTimeout: 60 * 60_000,
    hookTimeout: 10 * 60_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
