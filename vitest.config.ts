import path from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC (not esbuild) compiles the tests so NestJS decorators keep their emitted metadata.
export default defineConfig({
  plugins: [
    swc.vite({
      module: { type: 'es6' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
    }),
  ],
  resolve: {
    alias: [
      { find: /^@facestyle\/core\/testing$/, replacement: path.resolve(__dirname, 'libs/core/src/testing/index.ts') },
      { find: /^@facestyle\/core$/, replacement: path.resolve(__dirname, 'libs/core/src/index.ts') },
      { find: /^@facestyle\/infra$/, replacement: path.resolve(__dirname, 'libs/infra/src/index.ts') },
    ],
  },
  test: {
    include: ['libs/**/src/**/*.test.ts', 'apps/**/src/**/*.test.ts', 'apps/**/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // TF.js advertises its native backend whenever the cpu backend starts; the choice is deliberate here.
    onConsoleLog: (log) => !log.includes('looks like you are running TensorFlow.js in Node.js'),
  },
});
