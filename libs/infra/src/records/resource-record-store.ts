import type { Redis } from 'ioredis';
import { RecordPatch, ResourceKind, ResourceRecord } from './resource-record';

const JSON_FIELDS = ['input', 'progress', 'result'] as const;

/**
 * Resource records in Redis: one hash per resource (fields written independently, so the API's
 * cancel flag and the worker's progress never overwrite each other), a per-tenant sorted index,
 * an append-only history list (loss curves) and a pub/sub channel for live events.
 */
export class ResourceRecordStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private recordKey(kind: ResourceKind, id: string): string {
    return `${this.prefix}:rec:${kind}:${id}`;
  }
  private indexKey(tenant: string, kind: ResourceKind): string {
    return `${this.prefix}:idx:${tenant}:${kind}`;
  }
  private historyKey(kind: ResourceKind, id: string): string {
    return `${this.prefix}:hist:${kind}:${id}`;
  }
  /** Channel that carries a JSON event for every change of the resource. */
  eventChannel(kind: ResourceKind, id: string): string {
    return `${this.prefix}:ev:${kind}:${id}`;
  }

  async create<I>(record: Omit<ResourceRecord<I>, 'updatedAt' | 'attempts' | 'cancelRequested'>): Promise<ResourceRecord<I>> {
    const full: ResourceRecord<I> = { ...record, updatedAt: record.createdAt, attempts: 0, cancelRequested: false };
    await this.redis
      .multi()
      .hset(this.recordKey(record.kind, record.id), serialise(full))
      .zadd(this.indexKey(record.tenant, record.kind), Date.parse(record.createdAt), record.id)
      .exec();
    return full;
  }

  /** The record, or `undefined` when it does not exist or belongs to another tenant. */
  async get<I = unknown, P = unknown, R = unknown>(kind: ResourceKind, id: string, tenant?: string): Promise<ResourceRecord<I, P, R> | undefined> {
    const hash = await this.redis.hgetall(this.recordKey(kind, id));
    if (!hash.id) return undefined;
    const record = deserialise(hash) as ResourceRecord<I, P, R>;
    if (tenant !== undefined && record.tenant !== tenant) return undefined;
    return record;
  }

  /** Newest first. */
  async list(kind: ResourceKind, tenant: string, options: { status?: string; limit?: number; offset?: number } = {}): Promise<ResourceRecord[]> {
    const limit = options.limit ?? 50;
    const offset = options.offset ?? 0;
    const ids = await this.redis.zrevrange(this.indexKey(tenant, kind), 0, -1);
    const out: ResourceRecord[] = [];
    let skipped = 0;
    // Read in pages so a status filter over many records stays bounded per round trip.
    for (let i = 0; i < ids.length && out.length < limit; i += 100) {
      const pipeline = this.redis.pipeline();
      for (const id of ids.slice(i, i + 100)) pipeline.hgetall(this.recordKey(kind, id));
      const results = (await pipeline.exec()) ?? [];
      for (const [, hash] of results) {
        const fields = hash as Record<string, string>;
        if (!fields?.id) continue; // expired; its index entry goes with the next prune
        const record = deserialise(fields);
        if (options.status && record.status !== options.status) continue;
        if (skipped < offset) {
          skipped++;
          continue;
        }
        out.push(record);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  /** Writes the given fields and publishes the change. */
  async update(kind: ResourceKind, id: string, patch: RecordPatch): Promise<void> {
    const key = this.recordKey(kind, id);
    const fields: Record<string, string> = { updatedAt: new Date().toISOString() };
    const removed: string[] = [];
    for (const [name, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (value === null) removed.push(name);
      else fields[name] = (JSON_FIELDS as readonly string[]).includes(name) ? JSON.stringify(value) : String(value);
    }
    const multi = this.redis.multi().hset(key, fields);
    if (removed.length > 0) multi.hdel(key, ...removed);
    multi.publish(this.eventChannel(kind, id), JSON.stringify({ type: 'update', ...patch }));
    await multi.exec();
  }

  /**
   * Moves a record to a new status only if it is in one of `from` (e.g. never resurrect a
   * cancelled job as running). Returns whether it moved.
   */
  async transition(kind: ResourceKind, id: string, from: ResourceRecord['status'][], patch: RecordPatch & { status: ResourceRecord['status'] }): Promise<boolean> {
    const key = this.recordKey(kind, id);
    for (let attempt = 0; attempt < 10; attempt++) {
      await this.redis.watch(key);
      const current = await this.redis.hget(key, 'status');
      if (current === null || !from.includes(current as ResourceRecord['status'])) {
        await this.redis.unwatch();
        return false;
      }
      const fields: Record<string, string> = { updatedAt: new Date().toISOString() };
      for (const [name, value] of Object.entries(patch)) {
        if (value === undefined || value === null) continue;
        fields[name] = (JSON_FIELDS as readonly string[]).includes(name) ? JSON.stringify(value) : String(value);
      }
      const result = await this.redis
        .multi()
        .hset(key, fields)
        .publish(this.eventChannel(kind, id), JSON.stringify({ type: 'update', ...patch }))
        .exec();
      if (result !== null) return true;
    }
    throw new Error(`record ${kind}/${id} kept changing; transition abandoned`);
  }

  /**
   * Lets a finished job's record and history expire after `seconds`, and drops index entries
   * older than that for its kind (the index is a sorted set by creation time).
   */
  async expireFinished(kind: ResourceKind, id: string, tenant: string, seconds: number): Promise<void> {
    await this.redis
      .multi()
      .expire(this.recordKey(kind, id), seconds)
      .expire(this.historyKey(kind, id), seconds)
      .zremrangebyscore(this.indexKey(tenant, kind), '-inf', `(${Date.now() - seconds * 1000}`)
      .exec();
  }

  async requestCancel(kind: ResourceKind, id: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.recordKey(kind, id), 'cancelRequested', '1')
      .publish(this.eventChannel(kind, id), JSON.stringify({ type: 'cancel-requested' }))
      .exec();
  }

  async isCancelRequested(kind: ResourceKind, id: string): Promise<boolean> {
    return (await this.redis.hget(this.recordKey(kind, id), 'cancelRequested')) === '1';
  }

  /** Appends history entries (e.g. one per training step) and publishes them. */
  async appendHistory(kind: ResourceKind, id: string, entries: unknown[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis
      .multi()
      .rpush(this.historyKey(kind, id), ...entries.map((e) => JSON.stringify(e)))
      .publish(this.eventChannel(kind, id), JSON.stringify({ type: 'history', entries }))
      .exec();
  }

  /** Keeps the first `keepCount` history entries (used when a resumed job rewinds). */
  async truncateHistory(kind: ResourceKind, id: string, keepCount: number): Promise<void> {
    // LTRIM 0 -1 would keep everything: keeping none is a DEL.
    if (keepCount <= 0) await this.redis.del(this.historyKey(kind, id));
    else await this.redis.ltrim(this.historyKey(kind, id), 0, keepCount - 1);
  }

  async history<T = unknown>(kind: ResourceKind, id: string): Promise<T[]> {
    return (await this.redis.lrange(this.historyKey(kind, id), 0, -1)).map((line) => JSON.parse(line) as T);
  }

  async delete(kind: ResourceKind, id: string, tenant: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.recordKey(kind, id), this.historyKey(kind, id))
      .zrem(this.indexKey(tenant, kind), id)
      .exec();
  }
}

function serialise(record: ResourceRecord): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if ((JSON_FIELDS as readonly string[]).includes(name)) fields[name] = JSON.stringify(value);
    else if (typeof value === 'boolean') fields[name] = value ? '1' : '0';
    else fields[name] = String(value);
  }
  return fields;
}

function deserialise(hash: Record<string, string>): ResourceRecord {
  const record: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(hash)) {
    if ((JSON_FIELDS as readonly string[]).includes(name)) record[name] = JSON.parse(value);
    else if (name === 'attempts') record[name] = Number(value);
    else if (name === 'cancelRequested') record[name] = value === '1';
    else record[name] = value;
  }
  return record as unknown as ResourceRecord;
}
