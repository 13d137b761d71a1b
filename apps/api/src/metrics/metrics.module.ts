import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { JobQueues, MetricsRegistry } from '@facestyle/infra';
import { JOB_QUEUES, METRICS_REGISTRY } from '../infrastructure/tokens';
import { HttpMetricsInterceptor } from './http-metrics.interceptor';
import { MetricsController } from './metrics.controller';

@Module({
  controllers: [MetricsController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor }],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly metrics: MetricsRegistry,
    @Inject(JOB_QUEUES) private readonly queues: JobQueues,
  ) {}

  onModuleInit(): void {
    // Queue depth is read from Redis at scrape time; a Redis outage leaves the last values.
    const gauge = this.metrics.get('queueJobs', async () => {
      try {
        const counts = await this.queues.counts();
        for (const [queue, states] of Object.entries(counts)) {
          for (const [state, value] of Object.entries(states)) gauge.set({ queue, state }, value);
        }
      } catch {
        /* reported by /health */
      }
    });
  }
}
