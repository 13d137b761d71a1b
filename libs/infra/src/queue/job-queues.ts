import { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_KINDS, JobKind, JobPayload, parseJobPayload, QUEUE_NAMES } from '@facestyle/core';

/** Job states reported by `GET /v1/queues`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'paused', 'waiting-children'] as const;

export interface JobQueueOptions {
  /** BullMQ key prefix (shared with records so one deployment's keys sit together). */
  prefix: string;
  /** Finished jobs kept per queue before BullMQ trims them (records outlive them). */
  keepFinishedJobs: number;
  /** Finished jobs are also dropped after this many seconds. */
  retentionSeconds?: number;
}

/** Transient faults (a worker crash, a storage outage) are retried with backoff; three tries. */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
};

/** The producer side of the job contract: one BullMQ queue per job kind. */
export class JobQueues {
  private readonly queues = new Map<JobKind, Queue>();

  constructor(private readonly connection: Redis, private readonly options: JobQueueOptions) {
    for (const kind of JOB_KINDS) {
      const queue = new Queue(QUEUE_NAMES[kind], {
          connection: this.connection,
          prefix: options.prefix,
          defaultJobOptions: {
            ...DEFAULT_JOB_OPTIONS,
            removeOnComplete: { count: options.keepFinishedJobs, age: options.retentionSeconds },
            removeOnFail: { count: options.keepFinishedJobs, age: options.retentionSeconds },
          },
      });
      // Connection errors surface in the commands that fail (→ 503) and in /health; an unheard
      // 'error' event would end the process.
      queue.on('error', () => undefined);
      this.queues.set(kind, queue);
    }
  }

  queue(kind: JobKind): Queue {
    return this.queues.get(kind)!;
  }

  /**
   * Validates the payload against the contract and enqueues it under `jobId` (the resource id),
   * so a repeated add of the same id is a no-op rather than a second job.
   */
  async add<K extends JobKind>(kind: K, payload: JobPayload<K>, jobId: string, options: { priority?: number } = {}): Promise<void> {
    const data = parseJobPayload(kind, payload);
    await this.queue(kind).add(kind, data, { jobId, priority: options.priority });
  }

  /** Job counts per queue and state. */
  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const kind of JOB_KINDS) {
      out[QUEUE_NAMES[kind]] = await this.queue(kind).getJobCounts(...QUEUE_STATES);
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
