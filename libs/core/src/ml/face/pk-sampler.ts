/**
 * P×K batch sampler for online triplet mining (Hermans et al., 2017): every batch holds
 * P distinct identities with K images each, so each anchor has K−1 positives and
 * (P−1)·K negatives in the batch. Identities and each identity's images are drawn from
 * reshuffled queues ("epochs"), so all are visited evenly. The full state is plain data,
 * so a resumed run continues the exact same data order.
 */
import { RandomState, SeededRandom } from './seeded-random';

export interface PkSamplerOptions {
  /** P: distinct identities per batch. */
  identitiesPerBatch: number;
  /** K: images per identity per batch (an identity with fewer images repeats some). */
  imagesPerIdentity: number;
  seed: number;
}

export interface PkSamplerState {
  rng: RandomState;
  /** Identities still to be drawn in the current identity epoch, next first. */
  identityQueue: number[];
  /** Per identity: sample indices still to be drawn in its current epoch, next first. */
  imageQueues: number[][];
  /** Batches drawn so far. */
  batches: number;
}

export interface PkBatch {
  /** Indices into the sample list, grouped by identity (K consecutive entries per identity). */
  indices: number[];
  /** Identity label of each entry of `indices`. */
  labels: number[];
}

export class PkSampler {
  private readonly rng: SeededRandom;
  private readonly samplesByIdentity: number[][];
  private readonly eligible: number[];
  private identityQueue: number[];
  private imageQueues: number[][];
  private batches: number;

  /**
   * @param labels identity label (0..L−1) of each sample.
   * @param state a state from `state()` of a sampler over the same labels, to resume.
   */
  constructor(
    labels: readonly number[],
    private readonly options: PkSamplerOptions,
    state?: PkSamplerState,
  ) {
    const { identitiesPerBatch: p, imagesPerIdentity: k } = options;
    if (!Number.isInteger(p) || p < 2) throw new RangeError(`identitiesPerBatch must be an integer ≥ 2, got ${p}`);
    if (!Number.isInteger(k) || k < 2) throw new RangeError(`imagesPerIdentity must be an integer ≥ 2, got ${k}`);
    const identityCount = labels.reduce((max, label) => Math.max(max, label + 1), 0);
    this.samplesByIdentity = Array.from({ length: identityCount }, () => [] as number[]);
    labels.forEach((label, index) => this.samplesByIdentity[label].push(index));
    // An identity with a single image can never give a positive pair, so it is not drawn as one of the P.
    this.eligible = this.samplesByIdentity.flatMap((samples, identity) => (samples.length >= 2 ? [identity] : []));
    if (this.eligible.length < p) {
      throw new RangeError(`P×K sampling needs ≥ ${p} identities with ≥ 2 images each, found ${this.eligible.length}`);
    }
    if (state) {
      if (state.imageQueues.length !== identityCount) {
        throw new Error(`sampler state is for ${state.imageQueues.length} identities, this dataset has ${identityCount}`);
      }
      this.rng = new SeededRandom(state.rng);
      this.identityQueue = state.identityQueue.slice();
      this.imageQueues = state.imageQueues.map((queue) => queue.slice());
      this.batches = state.batches;
    } else {
      this.rng = new SeededRandom(options.seed);
      this.identityQueue = [];
      this.imageQueues = this.samplesByIdentity.map(() => []);
      this.batches = 0;
    }
  }

  /** Number of samples per batch (P·K). */
  get batchSize(): number {
    return this.options.identitiesPerBatch * this.options.imagesPerIdentity;
  }

  nextBatch(): PkBatch {
    const { identitiesPerBatch: p, imagesPerIdentity: k } = this.options;
    const identities: number[] = [];
    while (identities.length < p) {
      if (this.identityQueue.length === 0) {
        // New identity epoch; skip ones already in this batch so the P stay distinct.
        this.identityQueue = this.rng.shuffled(this.eligible.filter((id) => !identities.includes(id)));
      }
      identities.push(this.identityQueue.shift() as number);
    }
    const indices: number[] = [];
    const labels: number[] = [];
    for (const identity of identities) {
      const chosen: number[] = [];
      while (chosen.length < k) {
        if (this.imageQueues[identity].length === 0) {
          const samples = this.samplesByIdentity[identity];
          // Avoid repeating an image within the batch when the identity has enough of them.
          const fresh = samples.length >= k ? samples.filter((s) => !chosen.includes(s)) : samples;
          this.imageQueues[identity] = this.rng.shuffled(fresh);
        }
        chosen.push(this.imageQueues[identity].shift() as number);
      }
      indices.push(...chosen);
      labels.push(...chosen.map(() => identity));
    }
    this.batches++;
    return { indices, labels };
  }

  state(): PkSamplerState {
    return {
      rng: this.rng.state(),
      identityQueue: this.identityQueue.slice(),
      imageQueues: this.imageQueues.map((queue) => queue.slice()),
      batches: this.batches,
    };
  }
}
