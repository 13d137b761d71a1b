import { Controller, Get, Headers, HttpCode, Inject, NotFoundException, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ResourceRecordStore } from '@facestyle/infra';
import { Tenant } from '../common/tenant-auth.guard';
import { JobListParams, JobListQuery } from '../common/job-list-query';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { jsonSchemaOf } from '../common/json-schema';
import { EventStreamService } from '../events/event-stream.service';
import { streamResourceEvents } from '../events/sse-response';
import { RECORDS } from '../infrastructure/tokens';
import { SubmittedJob } from '../jobs/job-submission.service';
import { renderOptionsSchema } from '@facestyle/core';
import { renderView, RenderView } from './render-view';
import { RendersService } from './renders.service';

@ApiTags('renders')
@ApiBearerAuth()
@Controller('v1/renders')
export class RendersController {
  constructor(
    private readonly renders: RendersService,
    private readonly events: EventStreamService,
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a style-transfer render: multipart `content` (one image), `style` (one or more), `options` (JSON)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['content', 'style'],
      properties: {
        content: { type: 'string', format: 'binary' },
        style: { type: 'array', items: { type: 'string', format: 'binary' } },
        options: { ...jsonSchemaOf(renderOptionsSchema), description: 'JSON text' },
      },
    },
  })
  submit(@Tenant() tenant: string, @Req() request: Request, @Headers('idempotency-key') idempotencyKey?: string): Promise<SubmittedJob> {
    return this.renders.submit(tenant, request, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: 'Renders of this tenant, newest first, optionally by status' })
  async list(@Tenant() tenant: string, @Query(new ZodValidationPipe(JobListQuery, 'query')) query: JobListParams): Promise<{ renders: RenderView[] }> {
    return { renders: await this.renders.list(tenant, query) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, iteration, losses (and their history), previews, ETA' })
  get(@Tenant() tenant: string, @Param('id') id: string): Promise<RenderView> {
    return this.renders.get(tenant, id);
  }

  @Get(':id/output')
  @ApiProduces('image/png')
  @ApiOperation({ summary: 'The rendered PNG (exactly the requested size)' })
  async output(@Tenant() tenant: string, @Param('id') id: string, @Res() response: Response): Promise<void> {
    const stream = await this.renders.output(tenant, id);
    response.setHeader('Content-Type', 'image/png');
    response.setHeader('Content-Disposition', `inline; filename="${id}.png"`);
    stream.pipe(response);
  }

  @Get(':id/previews/:iteration')
  @ApiProduces('image/png')
  @ApiOperation({ summary: 'A preview PNG written at that iteration' })
  async preview(@Tenant() tenant: string, @Param('id') id: string, @Param('iteration', ParseIntPipe) iteration: number, @Res() response: Response): Promise<void> {
    const stream = await this.renders.preview(tenant, id, iteration);
    response.setHeader('Content-Type', 'image/png');
    stream.pipe(response);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Server-Sent Events: a snapshot, then every iteration and status change until the render ends' })
  async stream(@Tenant() tenant: string, @Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const record = await this.records.get('render', id, tenant);
    if (!record) throw new NotFoundException(`render ${id} not found`);
    await streamResourceEvents({ request, response, records: this.records, events: this.events, kind: 'render', record, view: (r) => renderView(r) });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: a queued render is removed; a running one stops within one iteration and keeps its last preview' })
  async cancel(@Tenant() tenant: string, @Param('id') id: string): Promise<RenderView> {
    return renderView(await this.renders.cancel(tenant, id));
  }
}
