import { DynamicModule, Global, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig, ObjectStore } from '@facestyle/core';
import { createFailFastRedis, createObjectStore, JobQueues, MetricsRegistry, ResourceRecordStore } from '@facestyle/infra';
import { APP_CONFIG, JOB_QUEUES, METRICS_REGISTRY, OBJECT_STORE, RECORDS, REDIS } from './tokens';

/** Builds the API's connections once from the validated config and closes them on shutdown. */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(JOB_QUEUES) private readonly queues: JobQueues,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A store that is not reachable yet is reported by /health; the API still starts.
    await this.store.ensureReady().catch((err) => new Logger('Storage').warn(`storage not ready: ${(err as Error).message}`));
  }

  static forRoot(config: AppConfig): DynamicModule {
    const redis = createFailFastRedis(config.redisUrl);
    // A failed connection is reported through /health; without a listener ioredis would log each retry.
    redis.on('error', () => undefined);
    const providers = [
      { provide: APP_CONFIG, useValue: config },
      { provide: REDIS, useValue: redis },
      { provide: OBJECT_STORE, useValue: createObjectStore(config.storage) },
      { provide: RECORDS, useValue: new ResourceRecordStore(redis, config.redisPrefix) },
      { provide: JOB_QUEUES, useValue: new JobQueues(redis, { prefix: config.redisPrefix, keepFinishedJobs: config.keepFinishedJobs, retentionSeconds: config.recordRetentionSeconds }) },
      { provide: METRICS_REGISTRY, useValue: new MetricsRegistry({ defaultLabels: { component: 'api' } }) },
    ];
    return { module: InfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close().catch(() => undefined);
    this.redis.disconnect();
  }
}
