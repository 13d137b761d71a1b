import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { AppConfig } from '@facestyle/core';
import { APP_CONFIG, REDIS } from '../infrastructure/tokens';
import { TenantRequest } from './tenant-auth.guard';

const WINDOW_SECONDS = 60;

/**
 * Per-tenant request budget on /v1 routes, counted in Redis so it holds across API instances
 * (fixed one-minute windows: INCR + EXPIRE in one MULTI). Over budget → 429 with Retry-After.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.config.rateLimitPerMinute;
    const request = context.switchToHttp().getRequest<TenantRequest>();
    if (limit === 0 || !request.path.startsWith('/v1/') || !request.tenant) return true;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const window = Math.floor(nowSeconds / WINDOW_SECONDS);
    const key = `${this.config.redisPrefix}:rl:${request.tenant}:${window}`;
    const result = await this.redis.multi().incr(key).expire(key, WINDOW_SECONDS * 2).exec();
    const count = Number(result?.[0]?.[1] ?? 0);
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('RateLimit-Limit', String(limit));
    response.setHeader('RateLimit-Remaining', String(Math.max(0, limit - count)));
    if (count > limit) {
      const retryAfter = (window + 1) * WINDOW_SECONDS - nowSeconds;
      response.setHeader('Retry-After', String(retryAfter));
      throw new HttpException(`rate limit of ${limit} requests per minute exceeded for tenant ${request.tenant}; retry after ${retryAfter} s`, 429);
    }
    return true;
  }
}
