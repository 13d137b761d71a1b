import { describe, expect, it } from 'vitest';

import { CollapseDetectorOptions, detectCollapse, StepHealth } from './collapse-detector';

const options: CollapseDetectorOptions = {
  margin: 0.2,
  softMargin: false,
  window: 3,
  spreadFloor: 0.02,
  lossTolerance: 0.02,
  separationFloor: 0.02,
};

const healthy = (step: number): StepHealth => ({
  step,
  loss: 0.15,
  embeddingSpread: 0.7,
  meanPositiveDistance: 0.6,
  meanNegativeDistance: 1.1,
});

describe('detectCollapse', () => {
  it('says nothing for healthy training or a short history', () => {
    expect(detectCollapse([1, 2, 3, 4].map(healthy), options)).toBeNull();
    expect(detectCollapse([{ ...healthy(1), embeddingSpread: 0 }], options)).toBeNull();
    expect(detectCollapse([], options)).toBeNull();
  });

  it('reports a NaN loss at once', () => {
    expect(detectCollapse([healthy(1), { ...healthy(2), loss: NaN }], options)).toMatch(/diverged.*NaN at step 2/);
  });

  it('reports embeddings that stay at one point', () => {
    const history = [healthy(1), ...[2, 3, 4].map((step) => ({ ...healthy(step), embeddingSpread: 1e-4 }))];
    expect(detectCollapse(history, options)).toMatch(/collapsed to one point.*from step 2 to 4.*semi-hard/);
  });

  it('reports a loss stuck at the margin with no separation, but not a loss merely near it', () => {
    const stuck = [1, 2, 3].map((step) => ({ ...healthy(step), loss: 0.2005, meanPositiveDistance: 0.3, meanNegativeDistance: 0.31 }));
    expect(detectCollapse(stuck, options)).toMatch(/loss sat at 0.200 \(the margin\)/);
    const separating = stuck.map((h) => ({ ...h, meanNegativeDistance: 0.6 }));
    expect(detectCollapse(separating, options)).toBeNull();
    const softStuck = stuck.map((h) => ({ ...h, loss: Math.LN2 }));
    expect(detectCollapse(softStuck, { ...options, softMargin: true })).toMatch(/softplus\(0\)/);
  });
});
