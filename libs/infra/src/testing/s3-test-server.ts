import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
// s3rver ships no types; it implements enough of the S3 API for the minio client.
const S3rver = require('s3rver');

export interface S3TestServer {
  credentials: { endpoint: string; accessKey: string; secretKey: string };
  directory: string;
  port: number;
  stop(): Promise<void>;
}

/** A real S3-protocol server on a free loopback port, storing into a temp folder. */
export async function startS3Server(options: { port?: number; directory?: string } = {}): Promise<S3TestServer> {
  const owned = options.directory === undefined;
  const directory = options.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-s3rver-'));
  const server = new S3rver({ port: options.port ?? 0, address: '127.0.0.1', silent: true, directory, resetOnClose: false });
  const address = (await server.run()) as AddressInfo;
  return {
    credentials: { endpoint: `http://127.0.0.1:${address.port}`, accessKey: 'S3RVER', secretKey: 'S3RVER' },
    directory,
    port: address.port,
    stop: async () => {
      await server.close().catch(() => undefined);
      if (owned) fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
