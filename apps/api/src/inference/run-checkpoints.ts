import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ObjectNotFoundError, ObjectStore, objectKey } from '@facestyle/core';
import { ResourceRecord, ResourceRecordStore } from '@facestyle/infra';
import { OBJECT_STORE, RECORDS } from '../infrastructure/tokens';
import { TrainingProgress } from '../training/training-run-view';

/** What inference needs from a run's record: its dataset and held-out identities. */
export interface TrainingRunInput {
  datasetId: string;
  options: { validation: { identities?: string[] | number; fraction?: number }; seed: number };
}

export type TrainingRunRecord = ResourceRecord<TrainingRunInput, Partial<TrainingProgress>>;

/** `?step=`: a step number, `latest`, or `best` (the best evaluated checkpoint; the default). */
export type CheckpointSelector = number | 'latest' | 'best';

/**
 * Reads training runs and their checkpoints for inference: the tenant's run record, which
 * checkpoint a selector names, and the run's current best step.
 */
@Injectable()
export class RunCheckpoints {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
  ) {}

  /** The run's record; 404 (prefixed with the request field that named it, if any) when it does not exist or belongs to another tenant. */
  async run(tenant: string, runId: string, field?: string): Promise<TrainingRunRecord> {
    const record = await this.records.get<TrainingRunInput, Partial<TrainingProgress>>('training-run', runId, tenant);
    if (!record) throw new NotFoundException(`${field ? `${field}: ` : ''}training run ${runId} not found`);
    return record;
  }

  /**
   * The stored checkpoint a selector names. The record lists a checkpoint only once all its
   * files are stored (and drops it when retention removes it), so the answer is always complete.
   */
  resolveStep(record: TrainingRunRecord, selector: CheckpointSelector = 'best'): number {
    const checkpoints = record.progress?.checkpoints ?? [];
    if (typeof selector === 'number') {
      if (!checkpoints.some((c) => c.step === selector)) {
        throw new NotFoundException(`query.step: training run ${record.id} has no stored checkpoint at step ${selector} (stored: ${checkpoints.map((c) => c.step).join(', ') || 'none'})`);
      }
      return selector;
    }
    const latest = checkpoints.at(-1)?.step;
    const step = selector === 'latest' ? latest : (record.progress?.bestStep ?? latest);
    if (step === undefined) throw new ConflictException(`training run ${record.id} has no checkpoint yet (status ${record.status})`);
    return step;
  }

  /**
   * The run's best step as the worker last recorded it in storage (`best.json`), which
   * outlives the run's record; undefined when the run has no checkpoint.
   */
  async bestStep(runId: string): Promise<number | undefined> {
    try {
      const best = JSON.parse((await this.store.get(objectKey('runs', runId, 'checkpoints', 'best.json'))).toString()) as { step?: number };
      return typeof best.step === 'number' ? best.step : undefined;
    } catch (err) {
      if (err instanceof ObjectNotFoundError || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }
}
