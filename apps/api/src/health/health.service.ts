import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ObjectStore } from '@facestyle/core';
import { pingRedis } from '@facestyle/infra';
import { OBJECT_STORE, REDIS } from '../infrastructure/tokens';
import { BackendService } from './backend.service';

export type DependencyState = 'up' | 'down';

export interface HealthReport {
  status: 'ok' | 'degraded';
  redis: DependencyState;
  storage: DependencyState;
  backend: DependencyState;
  backendName?: string;
  details: Record<string, string>;
}

const PROBE_TIMEOUT_MS = 800;

/** Probes each dependency with a deadline so `/health` answers within a second even when one hangs. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly backend: BackendService,
  ) {}

  async check(): Promise<HealthReport> {
    const details: Record<string, string> = {};
    const probe = async (name: string, run: () => Promise<unknown>): Promise<DependencyState> => {
      try {
        await withDeadline(run(), PROBE_TIMEOUT_MS);
        return 'up';
      } catch (err) {
        details[name] = (err as Error).message;
        return 'down';
      }
    };
    const [redis, storage] = await Promise.all([probe('redis', () => pingRedis(this.redis, PROBE_TIMEOUT_MS)), probe('storage', () => this.store.ping())]);
    const backendInfo = this.backend.info();
    const backend: DependencyState = backendInfo ? 'up' : 'down';
    if (!backendInfo) details.backend = this.backend.failure() ?? 'starting';
    const allUp = redis === 'up' && storage === 'up' && backend === 'up';
    return {
      status: allUp ? 'ok' : 'degraded',
      redis,
      storage,
      backend,
      ...(backendInfo ? { backendName: `${backendInfo.name} (${backendInfo.provider})` } : {}),
      details,
    };
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
