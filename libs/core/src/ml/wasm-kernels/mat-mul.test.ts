/** BatchMatMul and _FusedMatMul on wasm (Facestyle kernels) against the cpu backend. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, expectKernelMatchesCpu, randomInput, runOn, startBothBackends } from './testing/backend-comparison';

interface Case {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const CASES: Case[] = [];
for (const transposeA of [false, true]) {
  for (const transposeB of [false, true]) {
    const [m, k, n] = [5, 7, 3];
    const a = transposeA ? [k, m] : [m, k];
    const b = transposeB ? [n, k] : [k, n];
    CASES.push({ a, b, transposeA, transposeB });
    CASES.push({ a: [3, ...a], b: [3, ...b], transposeA, transposeB });
    CASES.push({ a: [4, ...a], b: [1, ...b], transposeA, transposeB });
    CASES.push({ a: [1, ...a], b: [2, ...b], transposeA, transposeB });
  }
}
// The Gram matrix of a style layer: Fᵀ F with F = [H·W, C]; then long inner dimensions in every
// transpose combination.
CASES.push({ a: [600, 24], b: [600, 24], transposeA: true, transposeB: false });
CASES.push({ a: [9000, 12], b: [9000, 12], transposeA: true, transposeB: false });
CASES.push({ a: [5, 8500], b: [8500, 3], transposeA: false, transposeB: false });
CASES.push({ a: [1, 5, 8500], b: [1, 3, 8500], transposeA: false, transposeB: true });
CASES.push({ a: [8500, 5], b: [3, 8500], transposeA: true, transposeB: true });

beforeAll(startBothBackends);

describe('BatchMatMul on wasm', () => {
  it.each(CASES.map((c) => [`${c.a} × ${c.b} tA=${c.transposeA} tB=${c.transposeB}`, c] as const))(
    'matches cpu: %s',
    async (_, c) => {
      await expectKernelMatchesCpu(
        'BatchMatMul',
        { a: randomInput(c.a, 41), b: randomInput(c.b, 42) },
        { transposeA: c.transposeA, transposeB: c.transposeB },
      );
    },
  );
});

describe('_FusedMatMul on wasm', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matches cpu with bias and relu, tA=%s tB=%s', async (transposeA, transposeB) => {
    const a = randomInput(transposeA ? [6, 4] : [4, 6], 51);
    const b = randomInput(transposeB ? [5, 6] : [6, 5], 52);
    const bias = randomInput([5], 53);
    const compute = () =>
      tf.fused.matMul({
        a: tf.tensor2d(a.values, a.shape as [number, number]),
        b: tf.tensor2d(b.values, b.shape as [number, number]),
        transposeA,
        transposeB,
        bias: tf.tensor(bias.values, bias.shape),
        activation: 'relu',
      });
    expectClose(await runOn('wasm', compute), await runOn('cpu', compute));
  });
});
