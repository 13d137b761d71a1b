import { AppConfig, FsObjectStore, ObjectStore } from '@facestyle/core';
import { S3ObjectStore } from './s3-object-store';

/** The storage driver the configuration names (`STORAGE_DRIVER`). */
export function createObjectStore(storage: AppConfig['storage']): ObjectStore {
  return storage.driver === 'fs' ? new FsObjectStore(storage.dir) : new S3ObjectStore(storage);
}
