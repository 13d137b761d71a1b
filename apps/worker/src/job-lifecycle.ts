import type { Job } from 'bullmq';
import { MetricsRegistry, ResourceKind, ResourceRecordStore } from '@facestyle/infra';
import { ProgressMetrics } from './progress-metrics';

/**
 * Mirrors BullMQ job events into the resource records and the metrics (hooks around the work,
 * so processors stay about their job). Terminal states are written only from non-terminal ones,
 * so a late event never turns a cancelled job back into a running one.
 */
export class JobLifecycle {
  private readonly progressMetrics: ProgressMetrics;

  constructor(
    private readonly records: ResourceRecordStore,
    private readonly metrics: MetricsRegistry,
    private readonly queueName: string,
    private readonly resourceKind: ResourceKind,
    private readonly retentionSeconds: number,
  ) {
    this.progressMetrics = new ProgressMetrics(metrics);
  }

  progressed(job: Job, progress: unknown): void {
    this.progressMetrics.record(this.queueName, job.id!, progress);
  }

  async started(job: Job): Promise<void> {
    const now = Date.now();
    this.metrics.get('jobWaitSeconds').observe({ queue: this.queueName }, Math.max(0, ((job.processedOn ?? now) - job.timestamp) / 1000));
    // Counted here, not from BullMQ's attemptsMade: a stalled job (its worker was killed) is
    // restarted without a failed attempt, but it is still a second run for the user.
    const previous = (await this.records.get(this.resourceKind, job.id!))?.attempts ?? 0;
    await this.records.transition(this.resourceKind, job.id!, ['queued', 'running'], {
      status: 'running',
      startedAt: new Date(now).toISOString(),
      attempts: previous + 1,
    });
  }

  async completed(job: Job, result: unknown): Promise<void> {
    const cancelled = (result as { cancelled?: boolean } | null)?.cancelled === true;
    const outcome = cancelled ? 'cancelled' : 'completed';
    this.observeRun(job, outcome);
    await this.records.transition(this.resourceKind, job.id!, ['queued', 'running'], {
      status: outcome,
      finishedAt: new Date().toISOString(),
      result,
      error: null,
    });
    await this.expire(job);
  }

  async failed(job: Job, error: Error): Promise<void> {
    const attempts = job.opts.attempts ?? 1;
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= attempts;
    this.observeRun(job, final ? 'failed' : 'retried');
    if (final) {
      await this.records.transition(this.resourceKind, job.id!, ['queued', 'running'], {
        status: 'failed',
        finishedAt: new Date().toISOString(),
        error: error.message,
      });
      await this.expire(job);
    } else {
      await this.records.transition(this.resourceKind, job.id!, ['queued', 'running'], {
        status: 'queued',
        error: `attempt ${job.attemptsMade} of ${attempts} failed, retrying: ${error.message}`,
      });
    }
  }

  /** Finished records are kept for the retention period, then Redis drops them. */
  private async expire(job: Job): Promise<void> {
    const tenant = (job.data as { tenant?: string }).tenant;
    if (tenant) await this.records.expireFinished(this.resourceKind, job.id!, tenant, this.retentionSeconds);
  }

  stalled(): void {
    this.metrics.get('jobsStalled').inc({ queue: this.queueName });
  }

  private observeRun(job: Job, outcome: string): void {
    this.progressMetrics.forget(this.queueName, job.id!);
    this.metrics.get('jobsFinished').inc({ queue: this.queueName, outcome });
    if (job.processedOn) {
      this.metrics.get('jobRunSeconds').observe({ queue: this.queueName, outcome }, (Date.now() - job.processedOn) / 1000);
    }
  }
}
