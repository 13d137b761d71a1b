import type http from 'node:http';
import { AppConfig, RetryingObjectStore, startBackend } from '@facestyle/core';
import { assertNoEviction, createBlockingRedis, createObjectStore, MetricsRegistry, ResourceRecordStore, waitForRedis } from '@facestyle/infra';
import { assertHandlersComplete } from './job-handlers';
import { listeningPort, startMetricsServer } from './metrics-server';
import { WorkerHost } from './worker-host';

export interface RunningWorker {
  metricsPort: number;
  graceMs: number;
  stop(): Promise<void>;
}

/** Checks, connects and starts one worker process; refuses to start on a misconfigured Redis. */
export async function startWorker(config: AppConfig, options: { graceMs?: number } = {}): Promise<RunningWorker> {
  const log = (line: string) => console.log(`facestyle worker: ${line}`);
  assertHandlersComplete();
  const connection = createBlockingRedis(config.redisUrl);
  connection.on('error', () => undefined);
  await waitForRedis(connection, 15_000);
  await assertNoEviction(connection);
  // Waits (with backoff) for a store that is still starting, e.g. MinIO next to the worker.
  const store = new RetryingObjectStore(createObjectStore(config.storage));
  await store.ensureReady();
  const metrics = new MetricsRegistry({ defaultLabels: { component: 'worker' } });
  // The backend runs in each sandboxed child; the parent reports which one the children will get.
  const backend = await startBackend(config.tfBackend, { wasmThreads: config.wasmThreads });
  metrics.get('backendInfo').set({ backend: backend.name, provider: backend.provider }, 1);
  metrics.get('workerUp').set({ queues: 'all' }, 1);
  const records = new ResourceRecordStore(connection, config.redisPrefix);
  const host = new WorkerHost({ config, connection, records, metrics, log });
  host.start();
  const server: http.Server = await startMetricsServer(metrics, config.metricsPort);
  const metricsPort = listeningPort(server);
  log(`serving all queues (concurrency ${config.workerConcurrency}, backend ${backend.name}); metrics on :${metricsPort}/metrics`);
  const graceMs = options.graceMs ?? 30_000;
  return {
    metricsPort,
    graceMs,
    stop: async () => {
      await host.stop(graceMs);
      server.close();
      connection.disconnect();
    },
  };
}
