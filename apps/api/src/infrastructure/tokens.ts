/** Injection tokens for the I/O the API's services depend on (repositories in STYLE.md's sense). */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const REDIS = Symbol('REDIS');
export const OBJECT_STORE = Symbol('OBJECT_STORE');
export const RECORDS = Symbol('RECORDS');
export const JOB_QUEUES = Symbol('JOB_QUEUES');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const EVENT_SUBSCRIBER = Symbol('EVENT_SUBSCRIBER');
