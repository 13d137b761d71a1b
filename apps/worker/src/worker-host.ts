import { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig, JOB_KINDS, JobKind, QUEUE_NAMES } from '@facestyle/core';
import { MetricsRegistry, ResourceRecordStore } from '@facestyle/infra';
import { JOB_HANDLERS, processorPath } from './job-handlers';
import { stoppingFlagKey } from './stopping-flag';
import { JobLifecycle } from './job-lifecycle';

export interface WorkerHostOptions {
  config: AppConfig;
  connection: Redis;
  records: ResourceRecordStore;
  metrics: MetricsRegistry;
  /** Job kinds this process serves (default: all). */
  kinds?: readonly JobKind[];
  log?: (line: string) => void;
}

/**
 * One BullMQ worker per job kind. Processors run sandboxed (a child process per concurrent job):
 * the parent's event loop only renews locks and relays events, however long a TF.js step takes.
 */
export class WorkerHost {
  private readonly workers: Worker[] = [];

  constructor(private readonly options: WorkerHostOptions) {}

  start(): void {
    const { config, connection, records, metrics } = this.options;
    const log = this.options.log ?? (() => undefined);
    for (const kind of this.options.kinds ?? JOB_KINDS) {
      const queueName = QUEUE_NAMES[kind];
      const lifecycle = new JobLifecycle(records, metrics, queueName, JOB_HANDLERS[kind].resourceKind, config.recordRetentionSeconds);
      const worker = new Worker(queueName, processorPath(kind), {
        connection,
        prefix: config.redisPrefix,
        concurrency: config.workerConcurrency,
        useWorkerThreads: false,
        // A lock not renewed for jobLockMs (worker killed) hands the job to another worker.
        lockDuration: config.jobLockMs,
        stalledInterval: Math.max(500, Math.floor(config.jobLockMs / 2)),
        maxStalledCount: 2,
      });
      const guard = (what: string, run: () => Promise<void>) => run().catch((err) => log(`${queueName}: ${what} hook failed: ${(err as Error).message}`));
      worker.on('active', (job: Job) => void guard('active', () => lifecycle.started(job)));
      worker.on('progress', (job: Job, progress: unknown) => lifecycle.progressed(job, progress));
      worker.on('completed', (job: Job, result: unknown) => void guard('completed', () => lifecycle.completed(job, result)));
      worker.on('failed', (job: Job | undefined, err: Error) => {
        if (job) void guard('failed', () => lifecycle.failed(job, err));
        log(`${queueName}: job ${job?.id} attempt ${job?.attemptsMade} failed: ${err.message}`);
      });
      worker.on('stalled', (jobId: string) => {
        lifecycle.stalled();
        log(`${queueName}: job ${jobId} stalled; it will be retried`);
      });
      worker.on('error', (err) => log(`${queueName}: worker error: ${err.message}`));
      this.workers.push(worker);
    }
  }

  /**
   * Stops taking jobs and waits for running ones up to `graceMs`; jobs still running then are
   * left to the stalled-job check, which hands them to another worker.
   */
  async stop(graceMs: number): Promise<void> {
    // Running processors poll this flag, save their state and requeue their job.
    await this.options.connection.set(stoppingFlagKey(this.options.config.redisPrefix, process.pid), '1', 'EX', 600).catch(() => undefined);
    const closing = Promise.all(this.workers.map((w) => w.close()));
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([closing.then(() => 'closed' as const), timeout])) === 'timeout') {
      await Promise.all(this.workers.map((w) => w.close(true)));
    }
  }
}
