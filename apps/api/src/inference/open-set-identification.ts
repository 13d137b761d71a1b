/**
 * 1:K recognition in plain numbers: the nearest enrolled identities of a probe, and the open-set
 * evaluation of a labelled set of embeddings. No tensors, no I/O.
 *
 * A probe's distance to an identity is the smallest distance to any of that identity's
 * enrolled embeddings (nearest neighbour). Open set: the nearest identity is accepted only when
 * its distance ≤ threshold, otherwise the probe is "unknown".
 */
import { DistanceMetric, vectorDistance } from '@facestyle/core';
import { seededShuffle } from './seeded-shuffle';

export interface LabelledEmbedding {
  identity: string;
  embedding: ArrayLike<number>;
}

export interface IdentityMatch {
  identity: string;
  distance: number;
}

/** The k nearest identities, closest first (ties by name, so answers are stable). */
export function nearestIdentities(probe: ArrayLike<number>, enrolled: readonly LabelledEmbedding[], metric: DistanceMetric, k: number): IdentityMatch[] {
  const best = new Map<string, number>();
  for (const entry of enrolled) {
    const distance = vectorDistance(probe, entry.embedding, metric);
    const previous = best.get(entry.identity);
    if (previous === undefined || distance < previous) best.set(entry.identity, distance);
  }
  return [...best]
    .map(([identity, distance]) => ({ identity, distance }))
    .sort((a, b) => a.distance - b.distance || (a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : 0))
    .slice(0, k);
}

/** Which identities are enrolled and which are kept out as strangers. */
export interface OpenSetSplit {
  gallery: string[];
  unknown: string[];
}

/**
 * round(n · unknownFraction) identities (at least 1, at most n − 1) chosen with the seed from
 * the sorted names are left out of the gallery.
 */
export function openSetSplit(identities: readonly string[], seed: number, unknownFraction = 1 / 3): OpenSetSplit {
  const sorted = [...new Set(identities)].sort();
  if (sorted.length < 2) throw new RangeError(`open-set evaluation needs at least 2 identities, got ${sorted.length}`);
  const count = Math.min(sorted.length - 1, Math.max(1, Math.round(sorted.length * unknownFraction)));
  const shuffled = seededShuffle(sorted, seed);
  return { unknown: shuffled.slice(0, count).sort(), gallery: shuffled.slice(count).sort() };
}

export interface OpenSetMetrics {
  galleryIdentities: number;
  unknownIdentities: number;
  /** Probes of enrolled identities (every image but the enrolled first one). */
  knownProbes: number;
  /** Probes of identities left out of the gallery (all their images). */
  unknownProbes: number;
  /** Known probes whose nearest identity is right, threshold ignored (closed-set rank-1); null without known probes. */
  rank1Accuracy: number | null;
  /** What rank-1 would be by guessing: 1 / gallery identities. */
  chanceRank1Accuracy: number;
  /** Known probes whose nearest identity is right and within the threshold (open-set identification rate). */
  detectionAndIdentificationRate: number | null;
  /** Unknown probes wrongly accepted as someone (nearest distance ≤ threshold); null without unknown probes. */
  falseAcceptRate: number | null;
  threshold: number;
}

/**
 * Enrol-one / probe-the-rest: each gallery identity is enrolled with its first image (in the
 * given order) and probed with the others; every image of an unknown identity is a probe that
 * should be rejected.
 *   rank-1 = |{known probes: nearest = own identity}| / |known probes|
 *   DIR    = |{known probes: nearest = own identity ∧ distance ≤ t}| / |known probes|
 *   FAR    = |{unknown probes: nearest distance ≤ t}| / |unknown probes|
 */
export function openSetIdentification(
  samples: readonly LabelledEmbedding[],
  options: { seed: number; threshold: number; metric: DistanceMetric; unknownFraction?: number },
): OpenSetMetrics {
  const split = openSetSplit(
    samples.map((s) => s.identity),
    options.seed,
    options.unknownFraction,
  );
  const inGallery = new Set(split.gallery);
  const enrolled: LabelledEmbedding[] = [];
  const knownProbes: LabelledEmbedding[] = [];
  const unknownProbes: LabelledEmbedding[] = [];
  const enrolledNames = new Set<string>();
  for (const sample of samples) {
    if (!inGallery.has(sample.identity)) unknownProbes.push(sample);
    else if (enrolledNames.has(sample.identity)) knownProbes.push(sample);
    else {
      enrolledNames.add(sample.identity);
      enrolled.push(sample);
    }
  }
  let rank1 = 0;
  let identified = 0;
  for (const probe of knownProbes) {
    const [nearest] = nearestIdentities(probe.embedding, enrolled, options.metric, 1);
    if (nearest.identity === probe.identity) {
      rank1++;
      if (nearest.distance <= options.threshold) identified++;
    }
  }
  let falseAccepts = 0;
  for (const probe of unknownProbes) {
    const [nearest] = nearestIdentities(probe.embedding, enrolled, options.metric, 1);
    if (nearest.distance <= options.threshold) falseAccepts++;
  }
  const rate = (count: number, total: number) => (total === 0 ? null : count / total);
  return {
    galleryIdentities: split.gallery.length,
    unknownIdentities: split.unknown.length,
    knownProbes: knownProbes.length,
    unknownProbes: unknownProbes.length,
    rank1Accuracy: rate(rank1, knownProbes.length),
    chanceRank1Accuracy: 1 / split.gallery.length,
    detectionAndIdentificationRate: rate(identified, knownProbes.length),
    falseAcceptRate: rate(falseAccepts, unknownProbes.length),
    threshold: options.threshold,
  };
}
