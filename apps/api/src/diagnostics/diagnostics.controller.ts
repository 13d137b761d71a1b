import { Body, Controller, Get, Headers, HttpCode, Inject, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventStreamService } from '../events/event-stream.service';
import { streamResourceEvents } from '../events/sse-response';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { jsonSchemaOf } from '../common/json-schema';
import { newResourceId } from '@facestyle/core';
import { ResourceRecord, ResourceRecordStore } from '@facestyle/infra';
import { Tenant } from '../common/tenant-auth.guard';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { RECORDS } from '../infrastructure/tokens';
import { JobSubmissionService, SubmittedJob } from '../jobs/job-submission.service';

export const EchoRequestSchema = z
  .object({
    message: z.string().min(1).max(10_000),
    holdMs: z.number().int().min(0).max(60_000).optional(),
    /** Crash the processing process every time (a poison job), to check a deployment's retry limits. */
    crash: z.boolean().optional(),
  })
  .strict();

/**
 * A minimal job through the whole platform (API → Redis → worker → storage → record), for
 * smoke tests of a deployment: the worker writes `diagnostics/<id>.json` and completes.
 */
@ApiTags('diagnostics')
@ApiBearerAuth()
@Controller('v1/diagnostics/echo')
export class DiagnosticsController {
  constructor(
    private readonly jobs: JobSubmissionService,
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
    private readonly events: EventStreamService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue an echo job that round-trips through a worker and storage' })
  @ApiBody({ schema: jsonSchemaOf(EchoRequestSchema) })
  async submit(
    @Tenant() tenant: string,
    @Body(new ZodValidationPipe(EchoRequestSchema)) body: z.infer<typeof EchoRequestSchema>,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SubmittedJob> {
    const id = newResourceId('diag');
    return this.jobs.submit({
      kind: 'diagnostics-echo',
      resourceKind: 'diagnostics',
      id,
      tenant,
      input: body,
      payload: { tenant, id, message: body.message, holdMs: body.holdMs ?? 0, crash: body.crash ?? false },
      idempotencyKey,
    });
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status and result of an echo job' })
  async get(@Tenant() tenant: string, @Param('id') id: string): Promise<ResourceRecord> {
    const record = await this.records.get('diagnostics', id, tenant);
    if (!record) throw new NotFoundException(`diagnostics job ${id} not found`);
    return record;
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Server-Sent Events: a snapshot, then every change until the job ends' })
  async stream(@Tenant() tenant: string, @Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const record = await this.records.get('diagnostics', id, tenant);
    if (!record) throw new NotFoundException(`diagnostics job ${id} not found`);
    await streamResourceEvents({ request, response, records: this.records, events: this.events, kind: 'diagnostics', record, view: (r) => r });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an echo job (removed if waiting; stopped at its next check if running)' })
  async cancel(@Tenant() tenant: string, @Param('id') id: string): Promise<ResourceRecord> {
    return this.jobs.cancel('diagnostics-echo', 'diagnostics', id, tenant);
  }
}
