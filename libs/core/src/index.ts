export * from './config/app-config';
export * from './contract/job-kinds';
export * from './contract/job-status';
export * from './contract/resource-id';
export * from './storage/object-key';
export * from './storage/object-store';
export * from './storage/fs-object-store';
export * from './ml/backend/backend-preference';
