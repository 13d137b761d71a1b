/**
 * A small seeded PRNG (mulberry32) whose whole state is one uint32, so a training run can
 * record it in a checkpoint and continue the exact same random sequence after a restart.
 * `Math.random` cannot be seeded or saved; TF.js's own seeded ops cannot be resumed mid-stream.
 */

/** Serialisable state of a `SeededRandom`. */
export interface RandomState {
  /** mulberry32 state, an unsigned 32-bit integer. */
  readonly state: number;
}

export class SeededRandom {
  private s: number;

  /** Starts from a seed (any finite number, truncated to 32 bits) or from a saved state. */
  constructor(seedOrState: number | RandomState) {
    this.s = (typeof seedOrState === 'number' ? seedOrState : seedOrState.state) >>> 0;
  }

  /** The state to save; `new SeededRandom(rng.state())` continues the same sequence. */
  state(): RandomState {
    return { state: this.s };
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** A derived 32-bit seed, e.g. for TF.js initialisers that take a numeric seed. */
  nextSeed(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
}
