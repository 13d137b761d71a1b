import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { DatasetManifest, DatasetSummary } from '@facestyle/core';
import { Tenant } from '../common/tenant-auth.guard';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { DatasetsService } from './datasets.service';

const UploadQuery = z.object({ name: z.string().trim().min(1).max(200) }).strict();
const ListQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(500).optional(), offset: z.coerce.number().int().min(0).optional() })
  .strict();
const GetQuery = z.object({ full: z.enum(['true', 'false']).optional() }).strict();

@ApiTags('datasets')
@ApiBearerAuth()
@Controller('v1/datasets')
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Upload a .zip or .tar.gz of <identity>/<image> entries; every image is checked, rejected files are listed with a reason' })
  @ApiConsumes('application/zip', 'application/gzip', 'application/octet-stream')
  @ApiQuery({ name: 'name', required: true })
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  upload(@Tenant() tenant: string, @Query(new ZodValidationPipe(UploadQuery, 'query')) query: z.infer<typeof UploadQuery>, @Req() request: Request): Promise<DatasetSummary> {
    return this.datasets.upload(tenant, query.name, request);
  }

  @Get()
  @ApiOperation({ summary: 'Datasets of this tenant, newest first' })
  async list(@Tenant() tenant: string, @Query(new ZodValidationPipe(ListQuery, 'query')) query: z.infer<typeof ListQuery>): Promise<{ datasets: DatasetSummary[] }> {
    return { datasets: await this.datasets.list(tenant, query) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Dataset summary; `?full=true` returns the whole manifest' })
  get(@Tenant() tenant: string, @Param('id') id: string, @Query(new ZodValidationPipe(GetQuery, 'query')) query: z.infer<typeof GetQuery>): Promise<DatasetSummary | DatasetManifest> {
    return query.full === 'true' ? this.datasets.manifest(tenant, id) : this.datasets.get(tenant, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a dataset and its images' })
  async delete(@Tenant() tenant: string, @Param('id') id: string): Promise<void> {
    await this.datasets.delete(tenant, id);
  }
}
