import { describe, expect, it } from 'vitest';

import {
  accuracyAtThreshold,
  equalErrorRate,
  operatingPointAtFar,
  rocAuc,
  rocCurve,
  verificationMetrics,
} from './verification-metrics';

/*
 * Hand case: same = 0.1, 0.2, 0.3; different = 0.25, 0.4, 0.5.
 * Sorted distinct distances 0.1 0.2 0.25 0.3 0.4 0.5 → thresholds: below 0.1, the midpoints, and 0.5.
 */
const same = [0.3, 0.1, 0.2];
const different = [0.5, 0.25, 0.4];

describe('verification metrics (hand-computed)', () => {
  it('ROC curve', () => {
    const roc = rocCurve(same, different).map((p) => [Number(p.threshold.toFixed(4)), p.far, p.tar]);
    expect(roc).toEqual([
      [0.1, 0, 0], // 0.1 − 1e-6, printed rounded
      [0.15, 0, 1 / 3],
      [0.225, 0, 2 / 3],
      [0.275, 1 / 3, 2 / 3],
      [0.35, 1 / 3, 1],
      [0.45, 2 / 3, 1],
      [0.5, 1, 1],
    ]);
  });

  it('ROC AUC = P(different > same): 3 + 3 + 2 of 9 pairs', () => {
    expect(rocAuc(same, different)).toBeCloseTo(8 / 9, 12);
    expect(rocAuc([1], [1])).toBe(0.5); // a tie counts ½
    expect(rocAuc([0.1, 0.2], [0.8, 0.9])).toBe(1);
  });

  it('EER where FAR = FRR = 1/3, at threshold 0.275', () => {
    const { eer, threshold } = equalErrorRate(rocCurve(same, different));
    expect(eer).toBeCloseTo(1 / 3, 12);
    expect(threshold).toBeCloseTo(0.275, 12);
  });

  it('TAR at a FAR, and accuracy at a threshold', () => {
    const roc = rocCurve(same, different);
    expect(operatingPointAtFar(roc, 1e-2).tar).toBeCloseTo(2 / 3, 12);
    expect(operatingPointAtFar(roc, 0.5)).toMatchObject({ far: 1 / 3, tar: 1 });
    // At 0.275: accepts same 0.1, 0.2; rejects different 0.4, 0.5 → 4 of 6.
    expect(accuracyAtThreshold(same, different, 0.275)).toBeCloseTo(4 / 6, 12);
  });

  it('bundles them, with the threshold at the EER point or at a target FAR', () => {
    const atEer = verificationMetrics(same, different);
    expect(atEer).toMatchObject({ samePairs: 3, differentPairs: 3 });
    expect(atEer.threshold).toBeCloseTo(0.275, 12);
    expect(atEer.tarAtFar['1e-2']).toBeCloseTo(2 / 3, 12);
    expect(atEer.tarAtFar['1e-3']).toBeCloseTo(2 / 3, 12);
    const atFar = verificationMetrics(same, different, { targetFar: 0.5 });
    expect(atFar.threshold).toBeCloseTo(0.35, 12);
    expect(atFar.accuracy).toBeCloseTo(5 / 6, 12);
  });

  it('separable distances: AUC 1, EER 0, threshold between the groups', () => {
    const m = verificationMetrics([0.1, 0.2], [0.8, 0.9]);
    expect(m).toMatchObject({ rocAuc: 1, eer: 0, accuracy: 1, tarAtFar: { '1e-2': 1, '1e-3': 1 } });
    expect(m.threshold).toBeCloseTo(0.5, 12);
  });

  it('refuses empty or non-finite input', () => {
    expect(() => verificationMetrics([], [1])).toThrow(/need same and different pairs/);
    expect(() => verificationMetrics([NaN], [1])).toThrow(/finite/);
  });
});
