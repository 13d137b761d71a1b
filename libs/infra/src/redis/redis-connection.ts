import { Redis, RedisOptions } from 'ioredis';

/**
 * Connections for BullMQ workers must not give up on a command while Redis is away
 * (`maxRetriesPerRequest: null`); they wait and carry on when it is back.
 */
export function createBlockingRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

/**
 * Connections serving HTTP requests fail fast while Redis is away, so the API answers 503 at
 * once instead of queueing the command (and a client's retry) in memory.
 */
export function createFailFastRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    ...options,
  });
}

/** Resolves when `redis` is connected, or rejects after `timeoutMs`. */
export async function waitForRedis(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/** PING with a deadline; used by health checks so a hung Redis is reported within a second. */
export async function pingRedis(redis: Redis, timeoutMs = 800): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Refuses a Redis that may evict keys: an evicted job or record is an accepted job lost.
 * Managed Redis services may forbid CONFIG; then INFO's `maxmemory_policy` is read instead.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const info = await redis.info('memory');
  const match = /maxmemory_policy:(\S+)/.exec(info);
  const policy = match?.[1];
  if (policy && policy !== 'noeviction') {
    throw new Error(
      `Redis maxmemory-policy is "${policy}"; Facestyle needs "noeviction" so queued jobs are never evicted ` +
        `(set it with: redis-cli CONFIG SET maxmemory-policy noeviction, or in redis.conf)`,
    );
  }
}
