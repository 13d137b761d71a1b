import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { DatasetManifest, newResourceId, ObjectStore, objectKey, splitByIdentity } from '@facestyle/core';
import { ResourceRecordStore } from '@facestyle/infra';
import { OBJECT_STORE, RECORDS } from '../infrastructure/tokens';
import { JobSubmissionService, SubmittedJob } from '../jobs/job-submission.service';
import { TrainingRunRequest } from './training-run-request';
import { trainingRunView, TrainingRunView } from './training-run-view';

const CHECKPOINT_FILE = /^[A-Za-z0-9_.-]{1,100}$/;

@Injectable()
export class TrainingRunsService {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
    private readonly jobs: JobSubmissionService,
  ) {}

  /**
   * Checks the run against its dataset before queueing (held-out identities exist, enough
   * training identities for P·K batches), and fixes the held-out identities by name so the
   * worker, a retry and the evaluation all use the same split.
   */
  async submit(tenant: string, request: TrainingRunRequest, idempotencyKey?: string): Promise<SubmittedJob> {
    const { datasetId, priority, ...options } = request;
    const dataset = await this.records.get('dataset', datasetId, tenant);
    if (!dataset) throw new BadRequestException(`body.datasetId: dataset ${datasetId} not found`);
    const manifest = JSON.parse((await this.store.get(objectKey('datasets', datasetId, 'manifest.json'))).toString()) as DatasetManifest;
    const samples = manifest.identities.flatMap((identity) => identity.images.map(() => ({ identity: identity.name })));
    let split;
    try {
      split = splitByIdentity(samples, options.validation, options.seed);
    } catch (err) {
      throw new BadRequestException(`body.${(err as Error).message.startsWith('validation') ? '' : 'validation: '}${(err as Error).message}`);
    }
    const imagesPerIdentity = new Map(manifest.identities.map((i) => [i.name, i.images.length]));
    const trainingIdentities = [...new Set(split.train.map((s) => s.identity))];
    const eligible = trainingIdentities.filter((name) => (imagesPerIdentity.get(name) ?? 0) >= 2).length;
    const p = options.sampler.identitiesPerBatch;
    if (eligible < p) {
      throw new BadRequestException(
        `body.sampler.identitiesPerBatch: ${p} identities per batch, but only ${eligible} training identities have 2 or more images`,
      );
    }
    const resolved = { ...options, validation: { identities: split.validationIdentities } };
    const id = newResourceId('run');
    return this.jobs.submit({
      kind: 'training-run',
      resourceKind: 'training-run',
      id,
      tenant,
      input: { datasetId, options: resolved, priority },
      payload: { tenant, id, datasetId, options: resolved },
      priority,
      idempotencyKey,
    });
  }

  async get(tenant: string, id: string): Promise<TrainingRunView> {
    const record = await this.records.get('training-run', id, tenant);
    if (!record) throw new NotFoundException(`training run ${id} not found`);
    return trainingRunView(record);
  }

  async list(tenant: string, options: { status?: string; limit?: number; offset?: number }): Promise<TrainingRunView[]> {
    return (await this.records.list('training-run', tenant, options)).map(trainingRunView);
  }

  /** Full loss history (one entry per step) and every evaluation. */
  async metrics(tenant: string, id: string): Promise<{ steps: unknown[]; evaluations: unknown[] }> {
    await this.get(tenant, id);
    const history = await this.records.history<{ type: string }>('training-run', id);
    return {
      steps: history.filter((h) => h.type === 'step'),
      evaluations: history.filter((h) => h.type === 'evaluation'),
    };
  }

  /** Resolves `latest`, `best` or a step number to a stored checkpoint step. */
  async checkpointStep(tenant: string, id: string, which: string): Promise<number> {
    const view = await this.get(tenant, id);
    if (/^\d+$/.test(which)) {
      const step = Number(which);
      if (!view.checkpoints.some((c) => c.step === step)) throw new NotFoundException(`training run ${id} has no checkpoint at step ${step}`);
      return step;
    }
    if (which !== 'latest' && which !== 'best') throw new BadRequestException('params.step: expected a step number, "latest" or "best"');
    // The record lists a checkpoint only after all its files are stored, so it never names a partial one.
    const step = which === 'latest' ? view.checkpoints.at(-1)?.step : (view.bestStep ?? view.checkpoints.at(-1)?.step);
    if (step === undefined) throw new NotFoundException(`training run ${id} has no checkpoint yet`);
    return step;
  }

  async checkpointFile(tenant: string, id: string, which: string, file: string): Promise<Readable> {
    if (!CHECKPOINT_FILE.test(file)) throw new BadRequestException('params.file: not a checkpoint file name');
    const step = await this.checkpointStep(tenant, id, which);
    return this.store.getStream(objectKey('runs', id, 'checkpoints', step, file));
  }

  cancel(tenant: string, id: string) {
    return this.jobs.cancel('training-run', 'training-run', id, tenant);
  }
}
