import { CHECKPOINT_FILE_NAMES, decodeCheckpoint, encodeCheckpoint, ObjectNotFoundError, ObjectStore, objectKey, sha256, TrainingCheckpoint } from '@facestyle/core';

export interface CheckpointEntry {
  step: number;
  createdAt: string;
  /** Held-out ROC AUC of the latest evaluation at or before this step (null before any). */
  rocAuc: number | null;
  threshold: number | null;
}

export interface CheckpointIndex {
  all: CheckpointEntry[];
  latest?: CheckpointEntry;
  best?: CheckpointEntry;
}

/** Checkpoints kept besides the latest: the best K by held-out ROC AUC. */
const KEEP_BEST = 3;

/**
 * `runs/<id>/checkpoints/<step>/{model.json, weights.bin, optimizer.json, state.json}` plus the
 * pointers `latest.json` and `best.json` and an `index.json`. Pointers are written only after
 * every file of the checkpoint is stored (each file itself atomically), so a crash at any moment
 * leaves `latest` at a complete checkpoint; a reader also verifies the files' SHA-256.
 */
export class CheckpointStore {
  constructor(private readonly store: ObjectStore, private readonly runId: string) {}

  private key(...parts: (string | number)[]): string {
    return objectKey('runs', this.runId, 'checkpoints', ...parts);
  }

  async index(): Promise<CheckpointIndex> {
    const index = await this.readJson<CheckpointIndex>('index.json');
    if (index) return index;
    // Missing or unreadable (a writer died mid-write on a store without atomic PUTs): rebuild
    // from the checkpoint folders that are complete.
    const steps = await this.storedSteps();
    const all: CheckpointEntry[] = [];
    for (const step of steps) {
      const checkpoint = await this.load(step).catch(() => undefined);
      if (checkpoint) all.push(entryOf(checkpoint, new Date(0).toISOString()));
    }
    const ranked = all.filter((c) => c.rocAuc !== null).sort((a, b) => b.rocAuc! - a.rocAuc! || b.step - a.step);
    return { all, latest: all.at(-1), best: ranked[0] ?? all.at(-1) };
  }

  /** A JSON object, or undefined when it is missing or not valid JSON (torn write). */
  private async readJson<T>(name: string): Promise<T | undefined> {
    try {
      return JSON.parse((await this.store.get(this.key(name))).toString()) as T;
    } catch (err) {
      if (err instanceof ObjectNotFoundError || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }

  /** Steps that have a checkpoint folder, highest first. */
  private async storedSteps(): Promise<number[]> {
    const prefix = `${objectKey('runs', this.runId, 'checkpoints')}/`;
    const steps = new Set<number>();
    for (const object of await this.store.list(prefix)) {
      const match = /^(\d+)\//.exec(object.key.slice(prefix.length));
      if (match) steps.add(Number(match[1]));
    }
    return [...steps].sort((a, b) => b - a);
  }

  async save(checkpoint: TrainingCheckpoint): Promise<CheckpointIndex> {
    const files = encodeCheckpoint(checkpoint);
    // state.json (with the other files' hashes) last: a checkpoint folder without it is incomplete.
    for (const name of CHECKPOINT_FILE_NAMES) await this.store.put(this.key(checkpoint.step, name), files[name]);
    const entry = entryOf(checkpoint, new Date().toISOString());
    const previous = await this.index();
    const all = [...previous.all.filter((c) => c.step !== entry.step), entry].sort((a, b) => a.step - b.step);
    const ranked = all.filter((c) => c.rocAuc !== null).sort((a, b) => b.rocAuc! - a.rocAuc! || b.step - a.step);
    const best = ranked[0] ?? entry;
    const keep = new Set([entry.step, ...ranked.slice(0, KEEP_BEST).map((c) => c.step)]);
    const kept = all.filter((c) => keep.has(c.step));
    const index: CheckpointIndex = { all: kept, latest: entry, best };
    const pointer = (e: CheckpointEntry) => Buffer.from(JSON.stringify({ ...e, sha256: sha256(files['state.json']) }));
    await this.store.put(this.key('index.json'), Buffer.from(JSON.stringify(index)));
    await this.store.put(this.key('best.json'), Buffer.from(JSON.stringify(best)));
    await this.store.put(this.key('latest.json'), pointer(entry));
    // Retention after the pointers moved: nothing points at a removed checkpoint.
    for (const old of all.filter((c) => !keep.has(c.step))) await this.store.deletePrefix(`${this.key(old.step)}/`);
    return index;
  }

  /**
   * The checkpoint `latest.json` points at, verified against its hashes. Should that pointer or
   * its checkpoint be unreadable, the newest stored checkpoint that verifies is used instead, so
   * a partial object is never taken for a checkpoint. Undefined for a run that has none.
   */
  async loadLatest(): Promise<TrainingCheckpoint | undefined> {
    const pointer = await this.readJson<{ step: number }>('latest.json');
    if (pointer) {
      const checkpoint = await this.load(pointer.step).catch(() => undefined);
      if (checkpoint) return checkpoint;
    }
    for (const step of await this.storedSteps()) {
      const checkpoint = await this.load(step).catch(() => undefined);
      if (checkpoint) return checkpoint;
    }
    return undefined;
  }

  async load(step: number): Promise<TrainingCheckpoint> {
    const files: Record<string, Uint8Array> = {};
    for (const name of CHECKPOINT_FILE_NAMES) files[name] = await this.store.get(this.key(step, name));
    // decodeCheckpoint checks every file against the hashes in state.json.
    return decodeCheckpoint(files);
  }
}

function entryOf(checkpoint: TrainingCheckpoint, createdAt: string): CheckpointEntry {
  const lastEvaluation = checkpoint.evaluations.at(-1);
  return { step: checkpoint.step, createdAt, rocAuc: lastEvaluation ? lastEvaluation.metrics.rocAuc : null, threshold: checkpoint.threshold };
}
