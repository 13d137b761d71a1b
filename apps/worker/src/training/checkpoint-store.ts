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
    try {
      return JSON.parse((await this.store.get(this.key('index.json'))).toString()) as CheckpointIndex;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return { all: [] };
      throw err;
    }
  }

  async save(checkpoint: TrainingCheckpoint): Promise<CheckpointIndex> {
    const files = encodeCheckpoint(checkpoint);
    // state.json (with the other files' hashes) last: a checkpoint folder without it is incomplete.
    for (const name of CHECKPOINT_FILE_NAMES) await this.store.put(this.key(checkpoint.step, name), files[name]);
    const lastEvaluation = checkpoint.evaluations.at(-1);
    const entry: CheckpointEntry = {
      step: checkpoint.step,
      createdAt: new Date().toISOString(),
      rocAuc: lastEvaluation ? lastEvaluation.metrics.rocAuc : null,
      threshold: checkpoint.threshold,
    };
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

  /** The checkpoint `latest.json` points at, verified; undefined for a run that has none. */
  async loadLatest(): Promise<TrainingCheckpoint | undefined> {
    let pointer: { step: number };
    try {
      pointer = JSON.parse((await this.store.get(this.key('latest.json'))).toString());
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
    return this.load(pointer.step);
  }

  async load(step: number): Promise<TrainingCheckpoint> {
    const files: Record<string, Uint8Array> = {};
    for (const name of CHECKPOINT_FILE_NAMES) files[name] = await this.store.get(this.key(step, name));
    // decodeCheckpoint checks every file against the hashes in state.json.
    return decodeCheckpoint(files);
  }
}
