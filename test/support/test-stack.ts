/**
 * A real Facestyle stack for a test: the API (in this process, over real HTTP) and worker
 * processes built from `apps/worker/dist`, on real Redis with a throwaway key prefix and a temp
 * storage folder (or an S3-protocol server). Everything is removed in `stop()`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { loadConfig } from '@facestyle/core';
import { removePrefix, TEST_REDIS_URL, testPrefix } from '../../libs/infra/src/testing/redis-test-prefix';
import { RunningProcess, startProcess } from '../../libs/infra/src/testing/child-process';
import { createApiApp } from '../../apps/api/src/bootstrap';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const WORKER_MAIN = path.join(REPO_ROOT, 'apps/worker/dist/main.js');
export const API_MAIN = path.join(REPO_ROOT, 'apps/api/dist/main.js');

export function assertBuilt(): void {
  for (const file of [WORKER_MAIN, API_MAIN]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run "npm run build" (npm test does) before these tests`);
  }
}

export interface TestStack {
  baseUrl: string;
  prefix: string;
  storageDir: string;
  env: Record<string, string>;
  app: INestApplication;
  workers: RunningProcess[];
  redis: Redis;
  startWorker(extraEnv?: Record<string, string>): Promise<RunningProcess>;
  stop(): Promise<void>;
}

export async function startTestStack(options: { workers?: number; env?: Record<string, string> } = {}): Promise<TestStack> {
  assertBuilt();
  const prefix = testPrefix('stack');
  const storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-stack-'));
  const env: Record<string, string> = {
    REDIS_URL: TEST_REDIS_URL,
    FACESTYLE_REDIS_PREFIX: prefix,
    STORAGE_DRIVER: 'fs',
    STORAGE_DIR: storageDir,
    FACESTYLE_TF_BACKEND: 'cpu',
    PORT: '0',
    METRICS_PORT: '0',
    ...options.env,
  };
  const app = await createApiApp(loadConfig(env), { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const redis = new Redis(env.REDIS_URL);
  const workers: RunningProcess[] = [];
  const startWorker = async (extraEnv: Record<string, string> = {}) => {
    const worker = startProcess(process.execPath, [WORKER_MAIN], { ...env, ...extraEnv });
    workers.push(worker);
    await worker.waitFor(/serving all queues/, 60_000);
    return worker;
  };
  for (let i = 0; i < (options.workers ?? 0); i++) await startWorker();
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    prefix,
    storageDir,
    env,
    app,
    workers,
    redis,
    startWorker,
    async stop() {
      await Promise.all(workers.map((w) => w.stop('SIGKILL')));
      await app.close();
      await removePrefix(redis, prefix);
      await redis.quit();
      fs.rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

/** fetch + JSON with the status, for terse assertions. */
export async function http<T = Record<string, unknown>>(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, { ...init, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Polls `read` until `done` holds or the deadline passes; returns the last value. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 1000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
    value = await read();
  }
  return value;
}
