import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { recalibrateBatchNormalization } from './batch-norm-recalibration';
import { CompositeBatchNormalization } from './composite-batch-normalization';
import { initFaceTestBackend } from './testing/test-backend';

beforeAll(async () => {
  await initFaceTestBackend();
});

describe('recalibrateBatchNormalization', () => {
  it('sets the moving statistics to the sample-weighted average of the batch statistics (hand case)', async () => {
    const input = tf.input({ shape: [1, 1, 1] });
    const bn = new CompositeBatchNormalization({ momentum: 0.9 });
    const model = tf.model({ inputs: input, outputs: bn.apply(input) as tf.SymbolicTensor });
    const before = tf.memory().numTensors;
    // Batches of 2 then 1: [0, 2] (mean 1, var 1) and [7] (mean 7, var 0).
    // Weighted by size: mean (2·1 + 1·7)/3 = 3, variance (2·1 + 1·0)/3 = 2/3.
    const images = [0, 2, 7].map((v) => Float32Array.from([v]));
    expect(await recalibrateBatchNormalization(model, images, 2)).toBe(1);
    const [, , movingMean, movingVariance] = bn.getWeights();
    expect(movingMean.dataSync()[0]).toBeCloseTo(3, 5);
    expect(movingVariance.dataSync()[0]).toBeCloseTo(2 / 3, 5);
    expect(tf.memory().numTensors).toBe(before);
    // Training-mode calls afterwards use the exponential average again: 3 − 0.1·(3 − 5) = 3.2.
    tf.tidy(() => void bn.apply(tf.tensor4d([5, 5], [2, 1, 1, 1]), { training: true }));
    expect(bn.getWeights()[2].dataSync()[0]).toBeCloseTo(3.2, 5);
    model.dispose();
  });
});
