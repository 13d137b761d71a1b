import { Module } from '@nestjs/common';
import { DashboardAssets } from './dashboard-assets';
import { DashboardController } from './dashboard.controller';

/** Serves the web dashboard at `/` (`/dashboard/...`) and the browser example at `/examples/verify.html`. */
@Module({
  controllers: [DashboardController],
  providers: [{ provide: DashboardAssets, useFactory: () => new DashboardAssets() }],
})
export class DashboardModule {}
