import { Body, Controller, Get, Headers, HttpCode, Inject, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ResourceRecordStore } from '@facestyle/infra';
import { jsonSchemaOf } from '../common/json-schema';
import { Tenant } from '../common/tenant-auth.guard';
import { JobListParams, JobListQuery } from '../common/job-list-query';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { EventStreamService } from '../events/event-stream.service';
import { streamResourceEvents } from '../events/sse-response';
import { RECORDS } from '../infrastructure/tokens';
import { SubmittedJob } from '../jobs/job-submission.service';
import { TrainingRunRequest, trainingRunRequestSchema } from './training-run-request';
import { trainingRunView, TrainingRunView } from './training-run-view';
import { TrainingRunsService } from './training-runs.service';

@ApiTags('training runs')
@ApiBearerAuth()
@Controller('v1/training-runs')
export class TrainingRunsController {
  constructor(
    private readonly runs: TrainingRunsService,
    private readonly events: EventStreamService,
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a triplet-loss training run on a dataset' })
  @ApiBody({ schema: jsonSchemaOf(trainingRunRequestSchema) })
  submit(
    @Tenant() tenant: string,
    @Body(new ZodValidationPipe(trainingRunRequestSchema)) body: TrainingRunRequest,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SubmittedJob> {
    return this.runs.submit(tenant, body, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: 'Training runs of this tenant, newest first, optionally by status' })
  async list(@Tenant() tenant: string, @Query(new ZodValidationPipe(JobListQuery, 'query')) query: JobListParams): Promise<{ runs: TrainingRunView[] }> {
    return { runs: await this.runs.list(tenant, query) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, step, loss, latest evaluation (ROC AUC, EER, threshold, accuracy, TAR@FAR), checkpoints' })
  get(@Tenant() tenant: string, @Param('id') id: string): Promise<TrainingRunView> {
    return this.runs.get(tenant, id);
  }

  @Get(':id/metrics')
  @ApiOperation({ summary: 'Full loss history (every step) and every evaluation' })
  metrics(@Tenant() tenant: string, @Param('id') id: string) {
    return this.runs.metrics(tenant, id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Server-Sent Events: a snapshot, then steps, evaluations and status changes until the run ends' })
  async stream(@Tenant() tenant: string, @Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const record = await this.records.get('training-run', id, tenant);
    if (!record) throw new NotFoundException(`training run ${id} not found`);
    await streamResourceEvents({ request, response, records: this.records, events: this.events, kind: 'training-run', record, view: trainingRunView });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: a queued run is removed; a running one stops within one step (its checkpoints stay)' })
  async cancel(@Tenant() tenant: string, @Param('id') id: string): Promise<TrainingRunView> {
    return trainingRunView(await this.runs.cancel(tenant, id));
  }

  @Get(':id/checkpoints/:step/:file')
  @ApiOperation({ summary: 'Checkpoint files in TF.js format: `model.json` (loadable with tf.loadLayersModel) and the weight files it names; :step is a number, `latest` or `best`' })
  async checkpointFile(@Tenant() tenant: string, @Param('id') id: string, @Param('step') step: string, @Param('file') file: string, @Res() response: Response): Promise<void> {
    const stream = await this.runs.checkpointFile(tenant, id, step, file);
    response.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    stream.pipe(response);
  }
}
