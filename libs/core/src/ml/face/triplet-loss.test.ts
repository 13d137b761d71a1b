import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { initFaceTestBackend } from './testing/test-backend';
import { decodeTripletStats, tripletLoss, TripletLossOptions } from './triplet-loss';
import { mineBatchAll, mineBatchHard, mineSemiHard } from './triplet-miners';

beforeAll(async () => {
  await initFaceTestBackend();
});

/*
 * Hand-computable batch: 1-D embeddings x = 0, 1, 3, 6 with labels 0, 0, 1, 1.
 * Distances: d01 = 1, d02 = 3, d03 = 6, d12 = 2, d13 = 5, d23 = 3.
 */
const embeddings = () => tf.tensor2d([[0], [1], [3], [6]]);
const labels = () => tf.tensor1d([0, 0, 1, 1], 'int32');
const distances = () =>
  tf.tensor2d([
    [0, 1, 3, 6],
    [1, 0, 2, 5],
    [3, 2, 0, 3],
    [6, 5, 3, 0],
  ]);
const hinge = (mining: TripletLossOptions['mining']): TripletLossOptions => ({ margin: 1, mining, distance: 'euclidean', softMargin: false });

async function lossAndStats(options: TripletLossOptions) {
  const e = embeddings();
  const y = labels();
  const { loss, stats } = tripletLoss(e, y, options);
  const result = { loss: (await loss.data())[0], stats: decodeTripletStats(await stats.data()) };
  tf.dispose([e, y, loss, stats]);
  return result;
}

describe('miners (hand-computed)', () => {
  it('batch-hard: farthest positive and closest negative per anchor', () => {
    const d = distances();
    const y = labels();
    const { anchorPositive, anchorNegative, valid } = mineBatchHard(d, y);
    // anchors 0..3: positives 1, 1, 3, 3; closest negatives min(3,6)=3, min(2,5)=2, min(3,2)=2, min(6,5)=5.
    expect(Array.from(anchorPositive.dataSync())).toEqual([1, 1, 3, 3]);
    expect(Array.from(anchorNegative.dataSync())).toEqual([3, 2, 2, 5]);
    expect(Array.from(valid.dataSync())).toEqual([1, 1, 1, 1]);
    tf.dispose([d, y, anchorPositive, anchorNegative, valid]);
  });

  it('semi-hard: closest negative farther than the positive, else the farthest negative', () => {
    const d = distances();
    const y = labels();
    const { anchorNegative, valid } = mineSemiHard(d, y);
    const an = anchorNegative.arraySync() as number[][];
    const v = valid.arraySync() as number[][];
    // (0,1): d=1, negatives 3, 6 → 3.  (1,0): d=1, negatives 2, 5 → 2.
    // (2,3): d=3, negatives 3, 2, none > 3 → farthest 3.  (3,2): d=3, negatives 6, 5 → 5.
    expect([an[0][1], an[1][0], an[2][3], an[3][2]]).toEqual([3, 2, 3, 5]);
    expect(v).toEqual([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]);
    tf.dispose([d, y, anchorNegative, valid]);
  });

  it('batch-all: every (a, p, n) with a matching positive and a non-matching negative', () => {
    const d = distances();
    const y = labels();
    const { valid } = mineBatchAll(d, y);
    // 4 anchors × 1 positive × 2 negatives.
    expect(tf.sum(valid).dataSync()[0]).toBe(8);
    tf.dispose([d, y, valid]);
  });
});

describe('tripletLoss (hand-computed, margin 1)', () => {
  it('batch-hard: mean over anchors of max(d⁺ − d⁻ + 1, 0) = (0 + 0 + 2 + 0)/4', async () => {
    const { loss, stats } = await lossAndStats(hinge('batch-hard'));
    expect(loss).toBeCloseTo(0.5, 5);
    // active: anchor 1 sits exactly at 0 (not active), anchor 2 is → 1/4.
    expect(stats.activeTripletFraction).toBeCloseTo(0.25, 6);
    expect(stats.validTriplets).toBe(4);
  });

  it('semi-hard: (0 + 0 + 1 + 0)/4', async () => {
    const { loss } = await lossAndStats(hinge('semi-hard'));
    expect(loss).toBeCloseTo(0.25, 5);
  });

  it('batch-all: mean over the active triplets, (1 + 2)/2', async () => {
    // (2,3,0): 3−3+1 = 1; (2,3,1): 3−2+1 = 2; the other six are ≤ 0.
    const { loss, stats } = await lossAndStats(hinge('batch-all'));
    expect(loss).toBeCloseTo(1.5, 5);
    expect(stats.activeTripletFraction).toBeCloseTo(2 / 8, 6);
    expect(stats.validTriplets).toBe(8);
  });

  it('soft margin: mean of softplus(d⁺ − d⁻) over the batch-hard triplets', async () => {
    const softplus = (x: number) => Math.log1p(Math.exp(x));
    const { loss } = await lossAndStats({ ...hinge('batch-hard'), softMargin: true });
    expect(loss).toBeCloseTo((softplus(-2) + softplus(-1) + softplus(1) + softplus(-2)) / 4, 5);
  });

  it('reports distance and embedding statistics', async () => {
    const { stats } = await lossAndStats(hinge('batch-hard'));
    // positive pairs (both orders): 1, 1, 3, 3 → 2; negative pairs: 3, 6, 2, 5 (twice) → 4.
    expect(stats.meanPositiveDistance).toBeCloseTo(2, 5);
    expect(stats.meanNegativeDistance).toBeCloseTo(4, 5);
    // norms 0, 1, 3, 6 → mean 2.5, std √(6.25+2.25+0.25+12.25)/2 = √21/2.
    expect(stats.embeddingNormMean).toBeCloseTo(2.5, 5);
    expect(stats.embeddingNormStd).toBeCloseTo(Math.sqrt(21) / 2, 4);
    // centroid 2.5: mean |x − 2.5| = (2.5 + 1.5 + 0.5 + 3.5)/4 = 2.
    expect(stats.embeddingSpread).toBeCloseTo(2, 5);
  });

  it('has finite gradients for every strategy, even for collapsed embeddings, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const y = labels();
    const collapsed = tf.tensor2d([[0.6, 0.8], [0.6, 0.8], [0.6, 0.8], [0.6, 0.8]]);
    for (const mining of ['batch-hard', 'semi-hard', 'batch-all'] as const) {
      for (const distance of ['euclidean', 'cosine'] as const) {
        const options: TripletLossOptions = { margin: 0.2, mining, distance, softMargin: false };
        const grad = tf.grad((e: tf.Tensor) => tripletLoss(e as tf.Tensor2D, y, options).loss)(collapsed);
        expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
        grad.dispose();
      }
    }
    tf.dispose([y, collapsed]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
