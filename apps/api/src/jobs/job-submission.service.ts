import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig, JobKind, JobPayload, QUEUE_NAMES } from '@facestyle/core';
import { JobQueues, ResourceKind, ResourceRecord, ResourceRecordStore } from '@facestyle/infra';
import { APP_CONFIG, JOB_QUEUES, RECORDS } from '../infrastructure/tokens';
import { IdempotencyService } from './idempotency.service';

export interface SubmittedJob {
  id: string;
  status: ResourceRecord['status'];
}

/**
 * Accepting a job = a record the client can poll + a BullMQ job under the same id. The record is
 * written first; if the enqueue fails the record is removed again, so a client that got an error
 * finds nothing stored, and one that got 202 has a job in Redis.
 */
@Injectable()
export class JobSubmissionService {
  constructor(
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
    @Inject(JOB_QUEUES) private readonly queues: JobQueues,
    private readonly idempotency: IdempotencyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async submit<K extends JobKind>(args: {
    kind: K;
    resourceKind: ResourceKind;
    id: string;
    tenant: string;
    input: unknown;
    payload: JobPayload<K>;
    priority?: number;
    /** `Idempotency-Key` header: a repeat returns the job the first request created. */
    idempotencyKey?: string;
  }): Promise<SubmittedJob> {
    const claim = await this.idempotency.claim(args.tenant, args.idempotencyKey, args.id, { kind: args.kind, input: args.input });
    if (claim?.kind === 'replay') return this.replay(args.resourceKind, claim.resourceId, args.tenant);
    const record = await this.records.create({
      id: args.id,
      tenant: args.tenant,
      kind: args.resourceKind,
      status: 'queued',
      createdAt: new Date().toISOString(),
      input: args.input,
    });
    try {
      await this.queues.add(args.kind, args.payload, args.id, { priority: args.priority });
    } catch (err) {
      await this.records.delete(args.resourceKind, args.id, args.tenant).catch(() => undefined);
      if (claim?.kind === 'new') await claim.release().catch(() => undefined);
      throw err;
    }
    return { id: record.id, status: record.status };
  }

  /** The winner of a concurrent claim may still be writing its record: wait for it briefly. */
  private async replay(resourceKind: ResourceKind, id: string, tenant: string): Promise<SubmittedJob> {
    for (let waited = 0; waited < 5_000; waited += 50) {
      const record = await this.records.get(resourceKind, id, tenant);
      if (record) return { id: record.id, status: record.status };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new ConflictException('headers.idempotency-key: the first request with this key is still being processed; retry');
  }

  /** Asks the worker to stop (it checks between steps); a job still waiting is removed at once. */
  async cancel(kind: JobKind, resourceKind: ResourceKind, id: string, tenant: string): Promise<ResourceRecord> {
    const record = await this.records.get(resourceKind, id, tenant);
    if (!record) throw new NotFoundException(`${resourceKind} ${id} not found`);
    if (record.status === 'queued') {
      const job = await this.queues.queue(kind).getJob(id);
      const state = await job?.getState();
      if (job && (state === 'waiting' || state === 'delayed' || state === 'prioritized')) {
        await job.remove().catch(() => undefined);
      }
      const now = new Date().toISOString();
      if (await this.records.transition(resourceKind, id, ['queued'], { status: 'cancelled', finishedAt: now })) {
        await this.records.expireFinished(resourceKind, id, tenant, this.config.recordRetentionSeconds);
        return (await this.records.get(resourceKind, id, tenant))!;
      }
    }
    if (record.status === 'running' || record.status === 'queued') await this.records.requestCancel(resourceKind, id);
    return (await this.records.get(resourceKind, id, tenant))!;
  }

  queueName(kind: JobKind): string {
    return QUEUE_NAMES[kind];
  }
}
