import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { jsonSchemaOf } from '../common/json-schema';
import { Tenant } from '../common/tenant-auth.guard';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { EnrolmentResult, GalleriesService, IdentificationResult } from './galleries.service';
import {
  CreateGalleryBody,
  CreateGalleryRequest,
  GalleryListParams,
  GalleryListQuery,
  IdentifyParams,
  IdentifyQuery,
  ReembedBody,
  ReembedRequest,
} from './gallery-request';
import { GalleryDetailView, GalleryIdentityView, GalleryView } from './gallery-view';

const IDENTITY_PARAM = { name: 'identity', description: 'the person\'s name: 1 to 128 characters, no "/" or control characters (URL-encoded)' };
const imageBody = (description: string, array: boolean) => ({
  schema: {
    type: 'object',
    required: ['image'],
    properties: { image: array ? { type: 'array', items: { type: 'string', format: 'binary' }, description } : { type: 'string', format: 'binary', description } },
  },
});

@ApiTags('galleries')
@ApiBearerAuth()
@Controller('v1/galleries')
export class GalleriesController {
  constructor(private readonly galleries: GalleriesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Create a gallery for 1:K recognition, bound to a training run's checkpoint (default: its best)" })
  @ApiBody({ schema: jsonSchemaOf(CreateGalleryBody) })
  create(@Tenant() tenant: string, @Body(new ZodValidationPipe(CreateGalleryBody)) body: CreateGalleryRequest): Promise<GalleryView> {
    return this.galleries.create(tenant, body);
  }

  @Get()
  @ApiOperation({ summary: 'Galleries of this tenant, newest first' })
  async list(@Tenant() tenant: string, @Query(new ZodValidationPipe(GalleryListQuery, 'query')) query: GalleryListParams): Promise<{ galleries: GalleryView[] }> {
    return { galleries: await this.galleries.list(tenant, query) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A gallery: its identities with image counts, the bound step, and `stale` when the run\'s best checkpoint is now another one' })
  get(@Tenant() tenant: string, @Param('id') id: string): Promise<GalleryDetailView> {
    return this.galleries.get(tenant, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a gallery with its images and embeddings' })
  async delete(@Tenant() tenant: string, @Param('id') id: string): Promise<void> {
    await this.galleries.delete(tenant, id);
  }

  @Get(':id/identities')
  @ApiOperation({ summary: 'Enrolled identities with their image counts, by name' })
  identities(@Tenant() tenant: string, @Param('id') id: string): Promise<{ identities: GalleryIdentityView[] }> {
    return this.galleries.identities(tenant, id);
  }

  @Post(':id/identities/:identity/images')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Enrol a person from face images (multipart `image`; one is enough, up to 10 per request): stores each image and its embedding',
    description: '400 names a missing field or a bad identity name, 422 an image that cannot be decoded; nothing is stored unless every image is usable.',
  })
  @ApiParam(IDENTITY_PARAM)
  @ApiConsumes('multipart/form-data')
  @ApiBody(imageBody('face images of this person', true))
  enrol(@Tenant() tenant: string, @Param('id') id: string, @Param('identity') identity: string, @Req() request: Request): Promise<EnrolmentResult> {
    return this.galleries.enrol(tenant, id, identity, request);
  }

  @Delete(':id/identities/:identity')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a person: their images and embeddings' })
  @ApiParam(IDENTITY_PARAM)
  async deleteIdentity(@Tenant() tenant: string, @Param('id') id: string, @Param('identity') identity: string): Promise<void> {
    await this.galleries.deleteIdentity(tenant, id, identity);
  }

  @Post(':id/identify')
  @HttpCode(200)
  @ApiOperation({
    summary: "Who is this? The k nearest enrolled identities; `identity` is the nearest if within the checkpoint's threshold, else null (unknown)",
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(imageBody('a face image', false))
  @ApiQuery({ name: 'k', required: false, description: 'how many nearest identities to list (1..100, default 5)' })
  @ApiQuery({ name: 'far', required: false, description: "target false-accept rate (0..1) for the threshold, from the checkpoint's held-out ROC" })
  identify(
    @Tenant() tenant: string,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(IdentifyQuery, 'query')) query: IdentifyParams,
    @Req() request: Request,
  ): Promise<IdentificationResult> {
    return this.galleries.identify(tenant, id, query, request);
  }

  @Post(':id/reembed')
  @HttpCode(200)
  @ApiOperation({ summary: "Re-embed every stored enrolment image with another checkpoint of the run (default: its best) and bind the gallery to it" })
  @ApiBody({ schema: jsonSchemaOf(ReembedBody), required: false })
  reembed(@Tenant() tenant: string, @Param('id') id: string, @Body(new ZodValidationPipe(ReembedBody)) body: ReembedRequest): Promise<GalleryDetailView> {
    return this.galleries.reembed(tenant, id, body);
  }
}
