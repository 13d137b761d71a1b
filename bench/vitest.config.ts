import path from 'node:path';
import { mergeConfig } from 'vitest/config';
import base from '../vitest.config';

/**
 * Benchmarks (`npm run bench`), not tests: long, machine-dependent runs that print tables and write
 * bench/results/*.json. Run one at a time so they do not disturb each other's timings.
 */
const config = mergeConfig(base, {
  root: path.resolve(__dirname, '..'),
  test: { testTimeout: 2 * 60 * 60_000, hookTimeout: 10 * 60_000, fileParallelism: false, maxWorkers: 1 },
});
config.test.include = ['bench/**/*.bench-run.ts'];
// The AT&T training evaluation takes up to 30 minutes: it has its own command, `npm run eval`.
config.test.exclude = [...(config.test.exclude ?? []), 'bench/face/**'];
export default config;
