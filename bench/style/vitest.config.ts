/**
 * Vitest config for the style-render benchmark only (bench/ is outside the test globs, so CI
 * never runs it). Usage: see the top of render-bench.ts.
 */
import path from 'node:path';
import { mergeConfig } from 'vitest/config';
import base from '../../vitest.config';

const config = mergeConfig(base, {
  root: path.resolve(__dirname, '../..'),
  test: { testTimeout: 4 * 60 * 60 * 1000, hookTimeout: 10 * 60 * 1000, fileParallelism: false },
});
// mergeConfig concatenates arrays; the benchmark replaces the test globs instead.
config.test.include = ['bench/style/style-render.bench-run.ts'];

export default config;
