/**
 * The operating points of a ROC curve that a FAR target can select, small enough to store.
 *
 * A target FAR f selects the largest threshold whose FAR ≤ f (`operatingPointAtFar`), so of all
 * points with the same FAR only the one with the largest threshold (highest TAR) can ever be
 * chosen: keeping those is exact. When even those are too many (large held-out sets), the
 * points chosen by `maxPoints` log-spaced FAR targets from 1/|different| to 1 are kept instead:
 * a lookup then still honours FAR ≤ f, at a TAR at most one grid step below the optimum.
 * Plain numbers, no tensors.
 */
import { operatingPointAtFar, RocPoint } from '@facestyle/core';

export function rocOperatingPoints(roc: readonly RocPoint[], differentPairs: number, maxPoints = 4096): RocPoint[] {
  // Thresholds increase along the curve and FAR never decreases: the last point of each FAR wins.
  const exact: RocPoint[] = [];
  for (const point of roc) {
    if (exact.length > 0 && exact[exact.length - 1].far === point.far) exact[exact.length - 1] = point;
    else exact.push(point);
  }
  if (exact.length <= maxPoints) return exact;
  const lowest = Math.log(1 / Math.max(differentPairs, 1));
  const picked = new Map<number, RocPoint>();
  picked.set(exact[0].threshold, exact[0]);
  for (let i = 0; i < maxPoints - 1; i++) {
    const target = Math.exp(lowest + ((0 - lowest) * i) / (maxPoints - 2));
    const point = operatingPointAtFar(exact, target);
    picked.set(point.threshold, point);
  }
  const last = exact[exact.length - 1];
  picked.set(last.threshold, last);
  return [...picked.values()].sort((a, b) => a.threshold - b.threshold);
}

/** The decision threshold for a target false-accept rate: the largest one with FAR ≤ target. */
export function thresholdAtFar(points: readonly RocPoint[], far: number): RocPoint {
  return operatingPointAtFar(points, far);
}
