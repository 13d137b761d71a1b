import { BadRequestException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppConfig } from '@facestyle/core';
import { APP_CONFIG, REDIS } from '../infrastructure/tokens';

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,200}$/;
const RETENTION_SECONDS = 24 * 3600;

export type IdempotencyClaim =
  | { kind: 'new'; release: () => Promise<void> }
  | { kind: 'replay'; resourceId: string };

/**
 * `Idempotency-Key` on POSTs: the first request with a key claims it (SET NX, atomic, so 50
 * concurrent requests elect one winner); later ones with the same key and body get the same
 * resource; the same key with a different body is a client error. Keys live 24 h.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async claim(tenant: string, key: string | undefined, resourceId: string, fingerprint: unknown): Promise<IdempotencyClaim | undefined> {
    if (key === undefined) return undefined;
    if (!KEY_PATTERN.test(key)) throw new BadRequestException('headers.idempotency-key: 8-200 characters of [A-Za-z0-9_.:-]');
    const slot = `${this.config.redisPrefix}:idem:${tenant}:${createHash('sha256').update(key).digest('hex')}`;
    const hash = createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex');
    const claimed = await this.redis.set(slot, JSON.stringify({ resourceId, hash }), 'EX', RETENTION_SECONDS, 'NX');
    if (claimed === 'OK') return { kind: 'new', release: async () => void (await this.redis.del(slot)) };
    const existing = JSON.parse((await this.redis.get(slot)) ?? '{}') as { resourceId?: string; hash?: string };
    if (!existing.resourceId) throw new UnprocessableEntityException('headers.idempotency-key: key expired while in use; retry');
    if (existing.hash !== hash) throw new UnprocessableEntityException('headers.idempotency-key: already used with a different request body');
    return { kind: 'replay', resourceId: existing.resourceId };
  }
}
