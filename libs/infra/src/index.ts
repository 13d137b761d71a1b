export * from './redis/redis-connection';
export * from './storage/s3-object-store';
export * from './storage/create-object-store';
export * from './records/resource-record';
export * from './records/resource-record-store';
export * from './queue/job-queues';
export * from './metrics/metrics-registry';
