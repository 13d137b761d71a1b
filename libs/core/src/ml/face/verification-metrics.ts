/**
 * Face-verification metrics from the distances of "same identity" (genuine) and "different
 * identity" (impostor) pairs. A pair is accepted as a match when distance ≤ threshold.
 *   TAR(t) = |{same ≤ t}| / |same|          (true accept rate; FRR = 1 − TAR)
 *   FAR(t) = |{different ≤ t}| / |different| (false accept rate)
 * The ROC curve is evaluated at every threshold that changes the decisions: below the
 * smallest distance, at midpoints between consecutive distinct distances, and at the largest.
 * Plain numbers, no tensors.
 */

export interface RocPoint {
  threshold: number;
  far: number;
  tar: number;
}

export interface VerificationMetrics {
  rocAuc: number;
  eer: number;
  /** Threshold of the EER point. */
  eerThreshold: number;
  /** TAR at FAR ≤ 1e-2 and ≤ 1e-3 (0 when no threshold reaches that FAR with any accepts). */
  tarAtFar: { '1e-2': number; '1e-3': number };
  /** The threshold chosen (EER point, or the largest with FAR ≤ targetFar when one was given). */
  threshold: number;
  /** Accuracy over all pairs at `threshold`. */
  accuracy: number;
  samePairs: number;
  differentPairs: number;
}

/** ROC points ordered by increasing threshold (FAR and TAR non-decreasing), from (0,0) to (1,1). */
export function rocCurve(same: readonly number[], different: readonly number[]): RocPoint[] {
  requirePairs(same, different);
  const sortedSame = Float64Array.from(same).sort();
  const sortedDifferent = Float64Array.from(different).sort();
  const distinct = Array.from(new Set([...sortedSame, ...sortedDifferent])).sort((a, b) => a - b);
  const thresholds = [distinct[0] - 1e-6];
  for (let i = 0; i + 1 < distinct.length; i++) thresholds.push((distinct[i] + distinct[i + 1]) / 2);
  thresholds.push(distinct[distinct.length - 1]);
  const points: RocPoint[] = [];
  let s = 0;
  let d = 0;
  for (const threshold of thresholds) {
    while (s < sortedSame.length && sortedSame[s] <= threshold) s++;
    while (d < sortedDifferent.length && sortedDifferent[d] <= threshold) d++;
    points.push({ threshold, far: d / sortedDifferent.length, tar: s / sortedSame.length });
  }
  return points;
}

/**
 * Area under the ROC curve = P(d_different > d_same) + ½·P(d_different = d_same)
 * (Mann–Whitney U / (n_same·n_different)), computed from ranks.
 */
export function rocAuc(same: readonly number[], different: readonly number[]): number {
  requirePairs(same, different);
  const all = [...same.map((v) => ({ v, same: true })), ...different.map((v) => ({ v, same: false }))];
  all.sort((a, b) => a.v - b.v);
  // Sum of the (mid-)ranks of the different pairs counted from the bottom.
  let rankSumDifferent = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (!all[k].same) rankSumDifferent += midRank;
    i = j;
  }
  const nd = different.length;
  const u = rankSumDifferent - (nd * (nd + 1)) / 2;
  return u / (same.length * nd);
}

/**
 * Equal error rate: the ROC point minimising |FAR − FRR|, reported as (FAR + FRR)/2 with
 * its threshold (on ties, the smallest threshold).
 */
export function equalErrorRate(roc: readonly RocPoint[]): { eer: number; threshold: number } {
  let best = roc[0];
  for (const p of roc) {
    if (Math.abs(p.far - (1 - p.tar)) < Math.abs(best.far - (1 - best.tar))) best = p;
  }
  return { eer: (best.far + 1 - best.tar) / 2, threshold: best.threshold };
}

/** The operating point with the highest TAR among those with FAR ≤ targetFar (the largest such threshold). */
export function operatingPointAtFar(roc: readonly RocPoint[], targetFar: number): RocPoint {
  let best = roc[0];
  for (const p of roc) if (p.far <= targetFar) best = p;
  return best;
}

/** Fraction of all pairs decided correctly at the threshold. */
export function accuracyAtThreshold(same: readonly number[], different: readonly number[], threshold: number): number {
  requirePairs(same, different);
  const acceptedSame = same.filter((d) => d <= threshold).length;
  const rejectedDifferent = different.filter((d) => d > threshold).length;
  return (acceptedSame + rejectedDifferent) / (same.length + different.length);
}

/** All metrics; the threshold is the EER point unless `targetFar` is given. */
export function verificationMetrics(
  same: readonly number[],
  different: readonly number[],
  options: { targetFar?: number } = {},
): VerificationMetrics {
  const roc = rocCurve(same, different);
  const { eer, threshold: eerThreshold } = equalErrorRate(roc);
  const threshold = options.targetFar === undefined ? eerThreshold : operatingPointAtFar(roc, options.targetFar).threshold;
  return {
    rocAuc: rocAuc(same, different),
    eer,
    eerThreshold,
    tarAtFar: { '1e-2': operatingPointAtFar(roc, 1e-2).tar, '1e-3': operatingPointAtFar(roc, 1e-3).tar },
    threshold,
    accuracy: accuracyAtThreshold(same, different, threshold),
    samePairs: same.length,
    differentPairs: different.length,
  };
}

function requirePairs(same: readonly number[], different: readonly number[]): void {
  if (same.length === 0 || different.length === 0) {
    throw new RangeError(`verification metrics need same and different pairs, got ${same.length} and ${different.length}`);
  }
  if ([...same, ...different].some((d) => !Number.isFinite(d))) {
    throw new RangeError('verification metrics: distances must be finite numbers');
  }
}
