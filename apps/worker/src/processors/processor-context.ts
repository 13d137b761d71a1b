/**
 * What a sandboxed processor needs, built once per child process from the same validated config
 * as its parent (the child inherits the environment): storage, records and the Redis behind them.
 */
import { AppConfig, loadConfig, ObjectStore, RetryingObjectStore } from '@facestyle/core';
import { createBlockingRedis, createObjectStore, ResourceRecordStore } from '@facestyle/infra';
import type { Redis } from 'ioredis';

export interface ProcessorContext {
  config: AppConfig;
  store: ObjectStore;
  records: ResourceRecordStore;
  redis: Redis;
}

let context: ProcessorContext | undefined;

// A sandboxed child whose worker died (kill -9) must not keep computing and writing progress for
// a job that another worker is about to resume: leave when the IPC channel to the parent closes.
process.on('disconnect', () => process.exit(1));

export function processorContext(): ProcessorContext {
  if (!context) {
    const config = loadConfig();
    const redis = createBlockingRedis(config.redisUrl);
    redis.on('error', () => undefined);
    // Jobs ride out a storage outage (retries with backoff) instead of failing their attempt.
    const store = new RetryingObjectStore(createObjectStore(config.storage), undefined, (operation, attempt, err) =>
      console.warn(`storage: ${operation} failed (${err.message}); retry ${attempt}`),
    );
    context = { config, redis, store, records: new ResourceRecordStore(redis, config.redisPrefix) };
  }
  return context;
}
