/** The tiled Transpose on wasm against the cpu backend, and which permutations it takes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectKernelMatchesCpu, Input, randomInput, startBothBackends } from './testing/backend-comparison';
import { batchedSwapOf } from './transpose';

beforeAll(startBothBackends);

describe('batchedSwapOf', () => {
  it('reduces two-group swaps to [batch, rows, cols]', () => {
    expect(batchedSwapOf([49152, 64], [1, 0])).toEqual([1, 49152, 64]);
    expect(batchedSwapOf([2, 3, 5, 7], [3, 0, 1, 2])).toEqual([1, 30, 7]); // channel-major activations
    expect(batchedSwapOf([2, 3, 5, 7], [2, 3, 0, 1])).toEqual([1, 6, 35]);
    expect(batchedSwapOf([4, 5, 6], [0, 2, 1])).toEqual([4, 5, 6]);
    expect(batchedSwapOf([2, 3, 5, 7], [0, 1, 3, 2])).toEqual([6, 5, 7]);
  });

  it('leaves other permutations to the stock kernel', () => {
    expect(batchedSwapOf([2, 3, 5], [0, 1, 2])).toBeUndefined(); // identity
    expect(batchedSwapOf([2, 3, 5], [2, 1, 0])).toBeUndefined(); // three groups reversed
    expect(batchedSwapOf([2, 3, 5, 7], [1, 0, 3, 2])).toBeUndefined(); // two swaps
  });
});

describe('Transpose on wasm', () => {
  const cases: [number[], number[]][] = [
    [[37, 19], [1, 0]], // not a multiple of the tile
    [[1536, 64], [1, 0]], // a Gram-matrix operand
    [[8, 8], [1, 0]],
    [[1, 1], [1, 0]],
    [[2, 9, 11, 5], [3, 0, 1, 2]],
    [[3, 17, 13], [0, 2, 1]],
    [[2, 3, 5, 7], [2, 1, 3, 0]], // stock path
  ];
  it.each(cases)('matches cpu: %j by %j', async (shape, perm) => {
    await expectKernelMatchesCpu('Transpose', { x: randomInput(shape, 81) }, { perm });
  });

  it('transposes int32 tensors through the stock kernel', async () => {
    const x: Input = { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: 'int32' };
    await expectKernelMatchesCpu('Transpose', { x }, { perm: [1, 0] });
  });
});
