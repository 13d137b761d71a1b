import { describe, expect, it } from 'vitest';

import { AugmentationSpec, augmentFace, NO_AUGMENTATION } from './face-augmentation';
import { SeededRandom } from './seeded-random';

// 3×3 single-channel ramp: value = 10·row + column.
const ramp = Float32Array.from([0, 1, 2, 10, 11, 12, 20, 21, 22]);

describe('augmentFace', () => {
  it('is the identity without augmentation', () => {
    expect(Array.from(augmentFace(ramp, 3, 1, NO_AUGMENTATION, new SeededRandom(1)))).toEqual(Array.from(ramp));
  });

  it('mirrors left–right when the flip is drawn', () => {
    const flipOnly: AugmentationSpec = { ...NO_AUGMENTATION, horizontalFlip: true };
    const outputs = Array.from({ length: 8 }, (_, seed) => Array.from(augmentFace(ramp, 3, 1, flipOnly, new SeededRandom(seed))));
    const mirrored = [2, 1, 0, 12, 11, 10, 22, 21, 20];
    expect(outputs).toContainEqual(mirrored);
    expect(outputs).toContainEqual(Array.from(ramp));
    for (const o of outputs) expect([mirrored, Array.from(ramp)]).toContainEqual(o);
  });

  it('changes contrast around the mean and adds brightness within the given ranges', () => {
    const spec: AugmentationSpec = { ...NO_AUGMENTATION, brightness: 0.5, contrast: 0.25 };
    const out = augmentFace(ramp, 3, 1, spec, new SeededRandom(5));
    const mean = 11;
    // out = (x − mean)·c + mean + b, so out[8] − out[0] = 22·c with c ∈ [0.75, 1.25].
    const c = (out[8] - out[0]) / 22;
    expect(c).toBeGreaterThanOrEqual(0.75);
    expect(c).toBeLessThanOrEqual(1.25);
    const b = out[4] - ((11 - mean) * c + mean);
    expect(Math.abs(b)).toBeLessThanOrEqual(0.5);
  });

  it('erases one rectangle to 0 when drawn', () => {
    const spec: AugmentationSpec = { ...NO_AUGMENTATION, erasingProbability: 1, erasingMaxArea: 0.25 };
    const image = new Float32Array(10 * 10).fill(1);
    const out = augmentFace(image, 10, 1, spec, new SeededRandom(3));
    const erased = out.filter((v) => v === 0).length;
    // Between 2 % and 25 % of 100 pixels (rounding of the sides can add a little).
    expect(erased).toBeGreaterThanOrEqual(1);
    expect(erased).toBeLessThanOrEqual(36);
    // The erased pixels form one rectangle: rows with zeros have the same zero columns.
    const rows = Array.from({ length: 10 }, (_, y) => Array.from(out.subarray(y * 10, y * 10 + 10)).map((v) => (v === 0 ? 1 : 0)).join(''));
    const zeroRows = rows.filter((r) => r.includes('1'));
    expect(new Set(zeroRows).size).toBe(1);
    expect(zeroRows[0]).toMatch(/^0*1+0*$/);
  });

  it('is reproducible from the seed and stays finite under geometric jitter', () => {
    const spec: AugmentationSpec = {
      maxShift: 0.2,
      maxScale: 0.2,
      maxRotationDegrees: 15,
      horizontalFlip: true,
      brightness: 0.1,
      contrast: 0.1,
      erasingProbability: 0.5,
      erasingMaxArea: 0.2,
    };
    const image = Float32Array.from({ length: 16 * 16 * 3 }, (_, i) => Math.sin(i));
    const a = augmentFace(image, 16, 3, spec, new SeededRandom(9));
    const b = augmentFace(image, 16, 3, spec, new SeededRandom(9));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(a)).not.toEqual(Array.from(image));
  });
});
