/**
 * Splits a dataset by identity into training and held-out sets (no identity in both, so
 * the held-out metrics measure verification of people never seen in training).
 */
import { FaceSample } from './face-sample';
import { SeededRandom } from './seeded-random';
import { TrainingRunOptions } from './training-options';

export interface IdentitySplit<T extends { identity: string }> {
  train: T[];
  validation: T[];
  validationIdentities: string[];
}

/**
 * `{identities: string[]}` holds out those names; `{identities: n}` or `{fraction: f}` hold out
 * n (or round(f·count), at least 2) identities chosen with the seed from the sorted names.
 */
export function splitByIdentity<T extends { identity: string } = FaceSample>(
  samples: readonly T[],
  validation: TrainingRunOptions['validation'],
  seed: number,
): IdentitySplit<T> {
  const identities = Array.from(new Set(samples.map((s) => s.identity))).sort();
  let held: string[];
  if ('identities' in validation && Array.isArray(validation.identities)) {
    const unknown = validation.identities.filter((id) => !identities.includes(id));
    if (unknown.length > 0) throw new RangeError(`validation.identities: not in the dataset: ${unknown.join(', ')}`);
    held = validation.identities.slice();
  } else {
    const count =
      'fraction' in validation
        ? Math.max(2, Math.round(validation.fraction * identities.length))
        : (validation.identities as number);
    held = new SeededRandom(seed ^ 0x5eed).shuffled(identities).slice(0, count);
  }
  if (identities.length - held.length < 2) {
    throw new RangeError(`validation holds out ${held.length} of ${identities.length} identities; training needs at least 2`);
  }
  const heldSet = new Set(held);
  return {
    train: samples.filter((s) => !heldSet.has(s.identity)),
    validation: samples.filter((s) => heldSet.has(s.identity)),
    validationIdentities: held.sort(),
  };
}
