import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable } from 'rxjs';
import { MetricsRegistry } from '@facestyle/infra';
import { METRICS_REGISTRY } from '../infrastructure/tokens';

/** Request duration by route template (never the raw URL, which carries ids) and status. */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(@Inject(METRICS_REGISTRY) private readonly metrics: MetricsRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const stop = this.metrics.get('httpRequestDuration').startTimer();
    const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
    response.once('finish', () => stop({ method: request.method, route, status_code: String(response.statusCode) }));
    return next.handle();
  }
}
