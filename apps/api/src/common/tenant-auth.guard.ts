import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig } from '@facestyle/core';
import { APP_CONFIG } from '../infrastructure/tokens';

export const DEFAULT_TENANT = 'default';
const PUBLIC_ROUTE = 'facestyle:public';

/** Marks a route that needs no API key (health, metrics). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

export interface TenantRequest extends Request {
  tenant: string;
}

/** The tenant that owns the request (set by TenantAuthGuard). */
export const Tenant = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<TenantRequest>().tenant);

/**
 * With `FACESTYLE_API_KEYS` unset every request belongs to the single tenant `default`; otherwise
 * `Authorization: Bearer <key>` must match a configured key (compared in constant time).
 */
@Injectable()
export class TenantAuthGuard implements CanActivate {
  private readonly keys: { tenant: string; key: Buffer }[];

  constructor(@Inject(APP_CONFIG) config: AppConfig, private readonly reflector: Reflector) {
    this.keys = config.apiKeys.map((k) => ({ tenant: k.tenant, key: Buffer.from(k.key) }));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<TenantRequest>();
    if (this.keys.length === 0) {
      request.tenant = DEFAULT_TENANT;
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const tenant = this.tenantOf(request.headers.authorization);
    if (!tenant) throw new UnauthorizedException('missing or invalid API key: send Authorization: Bearer <key>');
    request.tenant = tenant;
    return true;
  }

  private tenantOf(header: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) return undefined;
    const presented = Buffer.from(match[1]);
    let found: string | undefined;
    // Compare against every key so timing does not reveal which prefix matched.
    for (const { tenant, key } of this.keys) {
      if (key.length === presented.length && timingSafeEqual(key, presented)) found = tenant;
    }
    return found;
  }
}
