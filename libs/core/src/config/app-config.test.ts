import { describe, expect, it } from 'vitest';
import { loadConfig, parseApiKeys } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      redisUrl: 'redis://127.0.0.1:6379',
      storage: { driver: 'fs', dir: '/srv/app/.data' },
      apiKeys: [],
      tfBackend: 'auto',
      workerConcurrency: 1,
      metricsPort: 9464,
    });
    expect(config.vgg19ModelUrl).toMatch(/^https:.*model\.json$/);
  });

  it('binds to all interfaces by default only when auth is on', () => {
    expect(loadConfig({ FACESTYLE_API_KEYS: 'acme:0123456789abcdef' }).host).toBe('0.0.0.0');
    expect(loadConfig({ FACESTYLE_API_KEYS: 'acme:0123456789abcdef', HOST: '127.0.0.2' }).host).toBe('127.0.0.2');
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT: expected an integer/],
    [{ PORT: '70000' }, /^PORT: /],
    [{ REDIS_URL: 'http://x' }, /^REDIS_URL: expected a redis: or rediss: URL/],
    [{ STORAGE_DRIVER: 'ftp' }, /^STORAGE_DRIVER: expected "fs" or "s3"/],
    [{ STORAGE_DRIVER: 's3' }, /^S3_ACCESS_KEY: is required/],
    [{ STORAGE_DRIVER: 's3', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b' }, /^S3_ENDPOINT: is required/],
    [{ STORAGE_DRIVER: 's3', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', S3_ENDPOINT: 'http://h:9000', S3_BUCKET: 'A_B' }, /^S3_BUCKET: /],
    [{ FACESTYLE_TF_BACKEND: 'gpu' }, /^FACESTYLE_TF_BACKEND: expected one of auto/],
    [{ VGG19_MODEL_URL: 'ftp://x/model.json' }, /^VGG19_MODEL_URL: /],
    [{ WORKER_CONCURRENCY: '0' }, /^WORKER_CONCURRENCY: /],
    [{ METRICS_PORT: '1.5' }, /^METRICS_PORT: /],
    [{ FACESTYLE_API_KEYS: 'acme:short' }, /^FACESTYLE_API_KEYS: the key of tenant "acme" is shorter/],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('parses an s3 configuration', () => {
    const config = loadConfig({ STORAGE_DRIVER: 's3', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY: 'k', S3_SECRET_KEY: 's' });
    expect(config.storage).toEqual({ driver: 's3', endpoint: 'http://127.0.0.1:9000', accessKey: 'k', secretKey: 's', bucket: 'facestyle', region: 'us-east-1' });
  });
});

describe('parseApiKeys', () => {
  it('parses tenant:key pairs', () => {
    expect(parseApiKeys('acme:0123456789abcdef, beta:fedcba9876543210')).toEqual([
      { tenant: 'acme', key: '0123456789abcdef' },
      { tenant: 'beta', key: 'fedcba9876543210' },
    ]);
  });
  it('rejects malformed entries and duplicate keys', () => {
    expect(() => parseApiKeys('0123456789abcdef')).toThrow(/tenant:key/);
    expect(() => parseApiKeys('Bad Tenant:0123456789abcdef')).toThrow(/tenant:key/);
    expect(() => parseApiKeys('a:0123456789abcdef,b:0123456789abcdef')).toThrow(/listed twice/);
  });
});
