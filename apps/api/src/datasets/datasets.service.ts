import { BadRequestException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { Request } from 'express';
import {
  AppConfig,
  DatasetManifest,
  DatasetRejectedError,
  DatasetSummary,
  detectArchiveFormat,
  ingestDatasetArchive,
  newResourceId,
  ObjectStore,
  summariseManifest,
} from '@facestyle/core';
import { ResourceRecordStore } from '@facestyle/infra';
import { APP_CONFIG, OBJECT_STORE, RECORDS } from '../infrastructure/tokens';
import { spoolRequestBody } from '../uploads/request-spool';

/** Datasets: an uploaded archive becomes checked images + a manifest in storage, and a record. */
@Injectable()
export class DatasetsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
  ) {}

  async upload(tenant: string, name: string, request: Request): Promise<DatasetSummary> {
    const spooled = await spoolRequestBody(request, this.config.uploadLimitBytes);
    try {
      if (spooled.size === 0) throw new BadRequestException('body: empty; send a .zip or .tar.gz archive of <identity>/<image> entries');
      const format = detectArchiveFormat(spooled.head);
      if (!format) throw new BadRequestException('body: not a .zip or .tar.gz archive (checked by content)');
      const id = newResourceId('ds');
      let manifest: DatasetManifest;
      try {
        manifest = await ingestDatasetArchive({ file: spooled.file, format, datasetId: id, name, store: this.store });
      } catch (err) {
        if (err instanceof DatasetRejectedError) {
          const examples = err.rejected.slice(0, 5).map((r) => `${r.path}: ${r.reason}`);
          throw new UnprocessableEntityException(`body: ${err.message}${examples.length ? ` (${examples.join('; ')})` : ''}`);
        }
        throw err;
      }
      const summary = summariseManifest(manifest);
      try {
        await this.records.create({ id, tenant, kind: 'dataset', status: 'ready', createdAt: manifest.createdAt, input: { name }, result: summary });
      } catch (err) {
        // Without a record the dataset is unreachable: remove its objects rather than leak them.
        await this.store.deletePrefix(`datasets/${id}/`).catch(() => undefined);
        throw err;
      }
      return summary;
    } finally {
      await spooled.cleanup();
    }
  }

  async list(tenant: string, options: { limit?: number; offset?: number }): Promise<DatasetSummary[]> {
    const records = await this.records.list('dataset', tenant, options);
    return records.map((r) => r.result as DatasetSummary);
  }

  async get(tenant: string, id: string): Promise<DatasetSummary> {
    const record = await this.records.get<unknown, unknown, DatasetSummary>('dataset', id, tenant);
    if (!record) throw new NotFoundException(`dataset ${id} not found`);
    return record.result!;
  }

  /** The full manifest (every image with its key and size), for the worker and `?full=true`. */
  async manifest(tenant: string, id: string): Promise<DatasetManifest> {
    await this.get(tenant, id);
    return JSON.parse((await this.store.get(`datasets/${id}/manifest.json`)).toString()) as DatasetManifest;
  }

  async delete(tenant: string, id: string): Promise<void> {
    await this.get(tenant, id);
    // Record first: once it is gone the dataset is invisible, then its objects are removed.
    await this.records.delete('dataset', id, tenant);
    await this.store.deletePrefix(`datasets/${id}/`);
  }
}
