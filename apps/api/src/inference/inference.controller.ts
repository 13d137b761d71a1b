import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { Tenant } from '../common/tenant-auth.guard';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { EvaluationReport, EvaluationService } from './evaluation.service';
import { HeldOutRoc } from './held-out-roc.service';
import { checkpointSelectorParam, EmbedParams, EmbedQuery, EvaluateParams, EvaluateQuery, VerifyParams, VerifyQuery } from './inference-query';
import { EmbeddingResult, InferenceService, VerificationResult } from './inference.service';

const STEP_QUERY = { name: 'step', required: false, description: 'checkpoint: a step number, `latest` or `best` (default: the best evaluated checkpoint)' };
const FAR_QUERY = { name: 'far', required: false, description: "target false-accept rate (0..1): the threshold is chosen on the checkpoint's held-out ROC instead of the stored EER threshold" };
const RocQuery = z.object({ step: checkpointSelectorParam.optional() }).strict();
const faceFile = (description: string) => ({ type: 'string', format: 'binary', description });

@ApiTags('inference')
@ApiBearerAuth()
@Controller('v1/training-runs')
export class InferenceController {
  constructor(
    private readonly inference: InferenceService,
    private readonly evaluation: EvaluationService,
  ) {}

  @Post(':id/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: "1:1 verification: are `imageA` and `imageB` the same person? Distance between their embeddings vs the checkpoint's threshold",
    description: 'Images are face crops (no detection or alignment), preprocessed as in training. 400 names a missing field, 422 an image that cannot be decoded.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['imageA', 'imageB'], properties: { imageA: faceFile('a face image'), imageB: faceFile('another face image') } } })
  @ApiQuery(STEP_QUERY)
  @ApiQuery(FAR_QUERY)
  verify(
    @Tenant() tenant: string,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(VerifyQuery, 'query')) query: VerifyParams,
    @Req() request: Request,
  ): Promise<VerificationResult> {
    return this.inference.verify(tenant, id, query, request);
  }

  @Post(':id/embed')
  @HttpCode(200)
  @ApiOperation({ summary: "The L2-normalised embedding of one face image with a checkpoint, and the preprocessing it was made with" })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['image'], properties: { image: faceFile('a face image') } } })
  @ApiQuery(STEP_QUERY)
  embed(
    @Tenant() tenant: string,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(EmbedQuery, 'query')) query: EmbedParams,
    @Req() request: Request,
  ): Promise<EmbeddingResult> {
    return this.inference.embed(tenant, id, query, request);
  }

  @Post(':id/evaluate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Evaluate a checkpoint on labelled faces: 1:1 ROC AUC, EER, accuracy at the threshold, TAR@FAR 1e-2/1e-3; 1:K open-set rank-1 and false-accept rate',
    description:
      'Body: a .zip or .tar.gz of `<identity>/<image>` entries (as a dataset upload), or no body and `?datasetId=`. At most 2,000 images. ' +
      'Open set: a seeded third of the identities is left out of the gallery; the others are enrolled from their first image and probed with the rest.',
  })
  @ApiConsumes('application/zip', 'application/gzip', 'application/octet-stream')
  @ApiBody({ required: false, schema: { type: 'string', format: 'binary' } })
  @ApiQuery(STEP_QUERY)
  @ApiQuery(FAR_QUERY)
  @ApiQuery({ name: 'datasetId', required: false, description: 'evaluate on a stored dataset of this tenant instead of an uploaded archive' })
  @ApiQuery({ name: 'seed', required: false, description: 'seed of the open-set split (default 1)' })
  evaluate(
    @Tenant() tenant: string,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(EvaluateQuery, 'query')) query: EvaluateParams,
    @Req() request: Request,
  ): Promise<EvaluationReport> {
    return this.evaluation.evaluate(tenant, id, query, request);
  }

  @Get(':id/roc')
  @ApiOperation({
    summary: "A checkpoint's verification ROC on the run's held-out identities (measured at first use, then stored with the checkpoint)",
    description: '`points` holds every operating point a target FAR can select: `{threshold, far, tar}` by increasing threshold.',
  })
  @ApiQuery(STEP_QUERY)
  roc(@Tenant() tenant: string, @Param('id') id: string, @Query(new ZodValidationPipe(RocQuery, 'query')) query: z.infer<typeof RocQuery>): Promise<HeldOutRoc> {
    return this.inference.heldOutRoc(tenant, id, query.step);
  }
}
