import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AppConfig } from '@facestyle/core';
import { HttpErrorFilter } from './common/http-error.filter';
import { RateLimitGuard } from './common/rate-limit.guard';
import { TenantAuthGuard } from './common/tenant-auth.guard';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatasetsController } from './datasets/datasets.controller';
import { DatasetsService } from './datasets/datasets.service';
import { DiagnosticsController } from './diagnostics/diagnostics.controller';
import { HealthModule } from './health/health.module';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import { IdempotencyService } from './jobs/idempotency.service';
import { JobSubmissionService } from './jobs/job-submission.service';
import { EventStreamService } from './events/event-stream.service';
import { GalleriesModule } from './galleries/galleries.module';
import { InferenceModule } from './inference/inference.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueuesController } from './queues/queues.controller';
import { RendersController } from './renders/renders.controller';
import { RendersService } from './renders/renders.service';
import { TrainingRunsController } from './training/training-runs.controller';
import { TrainingRunsService } from './training/training-runs.service';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config), HealthModule, MetricsModule, DashboardModule, InferenceModule, GalleriesModule],
      controllers: [QueuesController, DiagnosticsController, DatasetsController, RendersController, TrainingRunsController],
      providers: [
        JobSubmissionService,
        IdempotencyService,
        EventStreamService,
        DatasetsService,
        RendersService,
        TrainingRunsService,
        { provide: APP_GUARD, useClass: TenantAuthGuard },
        // Runs after authentication: the budget is per tenant.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
