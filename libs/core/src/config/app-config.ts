/**
 * Runtime configuration, parsed and validated once at start-up from the environment.
 * Every variable of the DESIGN.md contract is here with its default; a bad value stops
 * start-up with a message that names the variable. Code reads this object, never `process.env`.
 */
import path from 'node:path';
import { BACKEND_PREFERENCES, BackendPreference } from '../ml/backend/backend-preference';

export interface TenantKey {
  tenant: string;
  key: string;
}

export interface AppConfig {
  port: number;
  host: string;
  redisUrl: string;
  storage:
    | { driver: 'fs'; dir: string }
    | { driver: 's3'; endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string };
  /** Empty when auth is off (single tenant `default`). */
  apiKeys: TenantKey[];
  tfBackend: BackendPreference;
  /** XNNPACK threads of the wasm backend per process; 0 = the default (the machine's cores). */
  wasmThreads: number;
  vgg19ModelUrl: string;
  workerConcurrency: number;
  metricsPort: number;
  /** Largest JSON body the API accepts, in bytes. */
  jsonBodyLimitBytes: number;
  /** Largest upload (dataset archive, multipart image set), in bytes. */
  uploadLimitBytes: number;
  /** Completed/failed BullMQ jobs kept per queue (records stay in the record store). */
  keepFinishedJobs: number;
  /** Prefix of every Redis key (BullMQ queues and records), so deployments can share a Redis. */
  redisPrefix: string;
  /** Requests per minute per tenant on /v1 routes (0 = unlimited). On by default only with API keys. */
  rateLimitPerMinute: number;
  /**
   * How long a worker's lock on a job lasts without renewal. A killed worker's job is handed to
   * another worker after about this long (plus one stalled-job check, half of it).
   */
  jobLockMs: number;
  /** Seconds a finished job's record and history are kept (datasets and galleries are kept until deleted). */
  recordRetentionSeconds: number;
  /** Renders: most pixels in one VGG pass (larger images are tiled with overlap) and the coarsest scale. */
  render: { maxTilePixels: number; coarseSize: number };
}

export const DEFAULT_VGG19_MODEL_URL =
  'https://raw.githubusercontent.com/paulsp94/vgg19-tensorflowjs-model/master/model/model.json';

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function urlVar(env: Env, name: string, fallback: string | undefined, protocols: string[]): string {
  const raw = env[name] || fallback;
  if (raw === undefined) throw new ConfigError(name, 'is required');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a URL: "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got "${raw}"`);
  }
  return raw;
}

function prefixVar(env: Env, name: string, fallback: string): string {
  const value = env[name] || fallback;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new ConfigError(name, `expected 1-64 characters of [A-Za-z0-9_-], got "${value}"`);
  return value;
}

const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Parses `tenant:key,tenant2:key2`. Keys must be long enough not to be guessable. */
export function parseApiKeys(raw: string | undefined): TenantKey[] {
  if (raw === undefined || raw.trim() === '') return [];
  const seenKeys = new Set<string>();
  return raw.split(',').map((entry) => {
    const colon = entry.indexOf(':');
    const tenant = entry.slice(0, colon).trim();
    const key = entry.slice(colon + 1).trim();
    if (colon < 1 || !TENANT_PATTERN.test(tenant)) {
      throw new ConfigError('FACESTYLE_API_KEYS', `entry "${entry.slice(0, 20)}…" must be tenant:key with a tenant of [a-z0-9_-]`);
    }
    if (key.length < 16) throw new ConfigError('FACESTYLE_API_KEYS', `the key of tenant "${tenant}" is shorter than 16 characters`);
    if (seenKeys.has(key)) throw new ConfigError('FACESTYLE_API_KEYS', `a key is listed twice`);
    seenKeys.add(key);
    return { tenant, key };
  });
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): AppConfig {
  const apiKeys = parseApiKeys(env.FACESTYLE_API_KEYS);
  const driver = env.STORAGE_DRIVER || 'fs';
  let storage: AppConfig['storage'];
  if (driver === 'fs') {
    storage = { driver: 'fs', dir: path.resolve(cwd, env.STORAGE_DIR || './.data') };
  } else if (driver === 's3') {
    const accessKey = env.S3_ACCESS_KEY;
    const secretKey = env.S3_SECRET_KEY;
    if (!accessKey) throw new ConfigError('S3_ACCESS_KEY', 'is required when STORAGE_DRIVER=s3');
    if (!secretKey) throw new ConfigError('S3_SECRET_KEY', 'is required when STORAGE_DRIVER=s3');
    const bucket = env.S3_BUCKET || 'facestyle';
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError('S3_BUCKET', `"${bucket}" is not a valid bucket name`);
    storage = {
      driver: 's3',
      endpoint: urlVar(env, 'S3_ENDPOINT', undefined, ['http:', 'https:']),
      accessKey,
      secretKey,
      bucket,
      region: env.S3_REGION || 'us-east-1',
    };
  } else {
    throw new ConfigError('STORAGE_DRIVER', `expected "fs" or "s3", got "${driver}"`);
  }
  const backend = (env.FACESTYLE_TF_BACKEND || 'auto') as BackendPreference;
  if (!BACKEND_PREFERENCES.includes(backend)) {
    throw new ConfigError('FACESTYLE_TF_BACKEND', `expected one of ${BACKEND_PREFERENCES.join(', ')}, got "${backend}"`);
  }
  return {
    port: intVar(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || (apiKeys.length === 0 ? '127.0.0.1' : '0.0.0.0'),
    redisUrl: urlVar(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    storage,
    apiKeys,
    tfBackend: backend,
    wasmThreads: intVar(env, 'FACESTYLE_WASM_THREADS', 0, 0, 256),
    vgg19ModelUrl: urlVar(env, 'VGG19_MODEL_URL', DEFAULT_VGG19_MODEL_URL, ['file:', 'http:', 'https:']),
    workerConcurrency: intVar(env, 'WORKER_CONCURRENCY', 1, 1, 64),
    metricsPort: intVar(env, 'METRICS_PORT', 9464, 0, 65535),
    jsonBodyLimitBytes: intVar(env, 'FACESTYLE_JSON_LIMIT_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    uploadLimitBytes: intVar(env, 'FACESTYLE_UPLOAD_LIMIT_BYTES', 512 * 1024 * 1024, 1024, 16 * 1024 * 1024 * 1024),
    keepFinishedJobs: intVar(env, 'FACESTYLE_KEEP_FINISHED_JOBS', 1000, 0, 1_000_000),
    redisPrefix: prefixVar(env, 'FACESTYLE_REDIS_PREFIX', 'facestyle'),
    jobLockMs: intVar(env, 'FACESTYLE_JOB_LOCK_MS', 30_000, 1_000, 600_000),
    render: {
      maxTilePixels: intVar(env, 'RENDER_MAX_TILE_PIXELS', 512 * 512, 32 * 32, 64_000_000),
      coarseSize: intVar(env, 'RENDER_COARSE_SIZE', 512, 16, 4096),
    },
    recordRetentionSeconds: intVar(env, 'FACESTYLE_RECORD_RETENTION_SECONDS', 30 * 24 * 3600, 1, 10 * 365 * 24 * 3600),
    rateLimitPerMinute: intVar(env, 'FACESTYLE_RATE_LIMIT_PER_MINUTE', apiKeys.length > 0 ? 600 : 0, 0, 10_000_000),
  };
}

