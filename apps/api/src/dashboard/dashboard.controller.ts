import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PublicRoute } from '../common/tenant-auth.guard';
import { DashboardAssets } from './dashboard-assets';
import { contentSecurityPolicy, PagePolicy } from './content-security-policy';

/** Client-side routes of the dashboard; each answers with the same page, which reads the URL. */
export const DASHBOARD_PAGES = ['', 'dashboard', 'dashboard/runs', 'dashboard/runs/:id', 'dashboard/renders', 'dashboard/renders/:id', 'dashboard/queues'];

/**
 * The web dashboard and the browser example. The pages themselves hold no data, so they need no
 * API key (a browser cannot send one when following a link); every API call they make sends the
 * key the user entered, and the API checks it as for any other client.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(private readonly assets: DashboardAssets) {}

  @Get(DASHBOARD_PAGES)
  @PublicRoute()
  page(@Res() response: Response): void {
    this.send(response, 'index.html', 'dashboard');
  }

  @Get('assets/:file')
  @PublicRoute()
  asset(@Param('file') file: string, @Res() response: Response): void {
    this.send(response, `assets/${file}`, 'dashboard');
  }

  @Get('examples')
  @PublicRoute()
  examples(@Res() response: Response): void {
    response.redirect(302, '/examples/verify.html');
  }

  @Get('examples/:file')
  @PublicRoute()
  example(@Param('file') file: string, @Res() response: Response): void {
    this.send(response, `examples/${file}`, 'example');
  }

  @Get('vendor/:file')
  @PublicRoute()
  vendor(@Param('file') file: string, @Res() response: Response): void {
    this.send(response, `vendor/${file}`, 'example');
  }

  private send(response: Response, relativePath: string, policy: PagePolicy): void {
    const file = this.assets.find(relativePath);
    if (!file) {
      const hint = this.assets.available ? '' : ` (the dashboard files were not found in ${this.assets.root})`;
      throw new NotFoundException(`/${relativePath} not found${hint}`);
    }
    response.setHeader('Content-Type', file.contentType);
    // Revalidate every time (ETag): the files change with each deployment, not with each request.
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('Content-Security-Policy', contentSecurityPolicy(policy));
    response.sendFile(file.absolutePath, { dotfiles: 'deny' });
  }
}
