import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeObjectStoreContract } from '@facestyle/core/testing';
import { startS3Server, S3TestServer } from '../testing/s3-test-server';
import { S3ObjectStore } from './s3-object-store';

let server: S3TestServer;
let current: S3ObjectStore;
let bucketCounter = 0;

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(() => server.stop());
beforeEach(async () => {
  current = new S3ObjectStore({ ...server.credentials, bucket: `contract-${++bucketCounter}`, region: 'us-east-1' });
  await current.ensureReady();
});

describeObjectStoreContract('s3 (s3rver)', () => current);

it('reports a missing bucket on ping and an unreachable server as an error', async () => {
  await expect(new S3ObjectStore({ ...server.credentials, bucket: 'never-made', region: 'us-east-1' }).ping()).rejects.toThrow(/does not exist/);
  const dead = new S3ObjectStore({ ...server.credentials, endpoint: 'http://127.0.0.1:1', bucket: 'x-y-z', region: 'us-east-1' });
  await expect(dead.ping()).rejects.toThrow();
});

it('stores under the bucket folder only (no escape through keys)', async () => {
  await current.put('a/b.txt', Buffer.from('hi'));
  const files = fs.readdirSync(server.directory, { recursive: true }).map(String);
  expect(files.some((f) => f.includes(path.join(current['options'].bucket, 'a')))).toBe(true);
  void os;
});
