import { Module } from '@nestjs/common';
import { BackendService } from './backend.service';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({
  controllers: [HealthController],
  providers: [HealthService, BackendService],
  exports: [BackendService],
})
export class HealthModule {}
