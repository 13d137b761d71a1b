import { BadRequestException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import { ZodError } from 'zod';
import {
  AppConfig,
  checkImage,
  CheckedImage,
  ImageRejectedError,
  newResourceId,
  ObjectStore,
  objectKey,
  RENDER_LIMITS,
  renderOptionsSchema,
} from '@facestyle/core';
import { ResourceRecordStore } from '@facestyle/infra';
import { formatZodError } from '../common/zod-error-format';
import { APP_CONFIG, OBJECT_STORE, RECORDS } from '../infrastructure/tokens';
import { JobSubmissionService, SubmittedJob } from '../jobs/job-submission.service';
import { parseMultipart } from '../uploads/multipart-form';
import { renderView, RenderView } from './render-view';

/** Input images: raster photos/paintings only, bounded in bytes and pixels (decompression bombs). */
const RENDER_IMAGE_LIMITS = { maxPixels: 50_000_000, maxBytes: 30 * 1024 * 1024, maxFrames: 1, formats: ['jpeg', 'png', 'webp'] as const };

@Injectable()
export class RendersService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(RECORDS) private readonly records: ResourceRecordStore,
    private readonly jobs: JobSubmissionService,
  ) {}

  /**
   * Validates everything (options, every image) before anything is stored; then stores the inputs
   * and queues the job. A failure after storing removes the inputs again.
   */
  async submit(tenant: string, request: Request, idempotencyKey?: string): Promise<SubmittedJob> {
    const form = await parseMultipart(request, {
      fileBytes: RENDER_IMAGE_LIMITS.maxBytes,
      files: 1 + RENDER_LIMITS.maxStyles,
      fieldBytes: 64 * 1024,
      fileFields: ['content', 'style'],
      textFields: ['options'],
    });
    let rawOptions: unknown = {};
    if (form.fields.options !== undefined) {
      try {
        rawOptions = JSON.parse(form.fields.options);
      } catch {
        throw new BadRequestException('options: not valid JSON');
      }
    }
    const parsed = renderOptionsSchema.safeParse(rawOptions);
    if (!parsed.success) throw new BadRequestException(formatZodError(parsed.error as ZodError, 'options'));
    const options = parsed.data;
    const contentFiles = form.files.filter((f) => f.field === 'content');
    const styleFiles = form.files.filter((f) => f.field === 'style');
    if (contentFiles.length !== 1) throw new BadRequestException(`content: expected exactly one image, got ${contentFiles.length}`);
    if (styleFiles.length < 1) throw new BadRequestException('style: expected one or more images');
    if (options.styleBlendWeights && options.styleBlendWeights.length !== styleFiles.length) {
      throw new BadRequestException(`options.styleBlendWeights: ${options.styleBlendWeights.length} weights for ${styleFiles.length} style images`);
    }
    const check = async (field: string, index: number | undefined, bytes: Buffer): Promise<CheckedImage> => {
      try {
        return await checkImage(bytes, { ...RENDER_IMAGE_LIMITS, formats: [...RENDER_IMAGE_LIMITS.formats] });
      } catch (err) {
        if (err instanceof ImageRejectedError) {
          throw new UnprocessableEntityException(`${field}${index === undefined ? '' : `[${index}]`}: ${err.message}`);
        }
        throw err;
      }
    };
    const content = await check('content', undefined, contentFiles[0].bytes);
    const styles: CheckedImage[] = [];
    for (const [i, file] of styleFiles.entries()) styles.push(await check('style', i, file.bytes));

    const id = newResourceId('rnd');
    const contentKey = objectKey('renders', id, 'inputs', `content.${content.extension}`);
    const styleKeys = styles.map((s, i) => objectKey('renders', id, 'inputs', `style-${i}.${s.extension}`));
    try {
      await this.store.put(contentKey, content.bytes);
      for (const [i, style] of styles.entries()) await this.store.put(styleKeys[i], style.bytes);
      return await this.jobs.submit({
        kind: 'render-style',
        resourceKind: 'render',
        id,
        tenant,
        input: { options, content: { width: content.width, height: content.height }, styles: styles.map((s) => ({ width: s.width, height: s.height })) },
        payload: { tenant, id, options, inputs: { content: contentKey, styles: styleKeys } },
        priority: options.priority,
        idempotencyKey,
      });
    } catch (err) {
      await this.store.deletePrefix(`renders/${id}/`).catch(() => undefined);
      throw err;
    }
  }

  async get(tenant: string, id: string, withHistory = true): Promise<RenderView> {
    const record = await this.records.get('render', id, tenant);
    if (!record) throw new NotFoundException(`render ${id} not found`);
    return renderView(record, withHistory ? await this.records.history('render', id) : undefined);
  }

  async list(tenant: string, options: { status?: string; limit?: number; offset?: number }): Promise<RenderView[]> {
    return (await this.records.list('render', tenant, options)).map((r) => renderView(r));
  }

  async output(tenant: string, id: string): Promise<Readable> {
    const view = await this.get(tenant, id, false);
    if (view.status !== 'completed') throw new NotFoundException(`render ${id} has no output yet (status ${view.status})`);
    return this.store.getStream(objectKey('renders', id, 'output.png'));
  }

  async preview(tenant: string, id: string, iteration: number): Promise<Readable> {
    await this.get(tenant, id, false);
    return this.store.getStream(objectKey('renders', id, 'previews', `${iteration}.png`));
  }

  cancel(tenant: string, id: string) {
    return this.jobs.cancel('render-style', 'render', id, tenant);
  }
}
