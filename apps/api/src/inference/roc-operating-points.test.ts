import { describe, expect, it } from 'vitest';
import { rocCurve } from '@facestyle/core';
import { rocOperatingPoints, thresholdAtFar } from './roc-operating-points';

describe('rocOperatingPoints', () => {
  // same: 0.1 0.3 0.5, different: 0.2 0.4 0.6 0.8.
  const same = [0.1, 0.3, 0.5];
  const different = [0.2, 0.4, 0.6, 0.8];
  const roc = rocCurve(same, different);

  it('keeps, for each false-accept rate, the point with the largest threshold', () => {
    const points = rocOperatingPoints(roc, different.length);
    expect(points.map((p) => p.far)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // FAR 0 up to just below 0.2 (midpoint 0.15), accepting the 0.1 pair.
    expect(points[0].threshold).toBeCloseTo(0.15, 12);
    expect(points[0].tar).toBe(1 / 3);
    const quarter = thresholdAtFar(points, 0.3);
    expect(quarter).toMatchObject({ far: 0.25, tar: 2 / 3 });
    expect(quarter.threshold).toBeCloseTo(0.35, 12);
    expect(thresholdAtFar(points, 0)).toEqual(points[0]);
  });

  it('thins a long curve to log-spaced targets whose lookups still honour FAR ≤ target', () => {
    const many = Array.from({ length: 2000 }, (_, i) => 1 + i / 1000);
    const sameMany = Array.from({ length: 200 }, (_, i) => i / 100);
    const full = rocOperatingPoints(rocCurve(sameMany, many), many.length, 1e9);
    const thin = rocOperatingPoints(rocCurve(sameMany, many), many.length, 64);
    expect(thin.length).toBeLessThanOrEqual(64);
    for (const target of [1e-3, 1e-2, 0.1, 0.5]) {
      const point = thresholdAtFar(thin, target);
      expect(point.far).toBeLessThanOrEqual(target);
      expect(point.tar).toBeLessThanOrEqual(thresholdAtFar(full, target).tar);
    }
  });
});
