import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { GalleriesController } from './galleries.controller';
import { GalleriesService } from './galleries.service';
import { GalleryIndexCache } from './gallery-index-cache';
import { GalleryStorage } from './gallery-storage';

/** Galleries for 1:K recognition, on the inference module's models and thresholds. */
@Module({
  imports: [InferenceModule],
  controllers: [GalleriesController],
  providers: [GalleriesService, GalleryStorage, GalleryIndexCache],
})
export class GalleriesModule {}
