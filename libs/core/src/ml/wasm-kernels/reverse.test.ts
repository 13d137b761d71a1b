/** The innermost-axis Reverse on wasm against the cpu backend, and the stock fallback. */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectKernelMatchesCpu, Input, randomInput, startBothBackends } from './testing/backend-comparison';
import { reversedAxes, reverseRuns } from './reverse';

beforeAll(startBothBackends);

describe('reverseRuns', () => {
  it('reverses each run of channels', () => {
    const dst = new Float32Array(6);
    reverseRuns(Float32Array.from([1, 2, 3, 4, 5, 6]), dst, 3, 6);
    expect([...dst]).toEqual([3, 2, 1, 6, 5, 4]);
    reverseRuns(Float32Array.from([1, 2, 3, 4, 5, 6]), dst, 2, 6);
    expect([...dst]).toEqual([2, 1, 4, 3, 6, 5]);
  });

  it('normalises negative and repeated axes', () => {
    expect(reversedAxes(-1, 4)).toEqual([3]);
    expect(reversedAxes([3, -1], 4)).toEqual([3]);
    expect(reversedAxes([0, 2], 3)).toEqual([0, 2]);
  });
});

describe('Reverse on wasm', () => {
  const cases: [number[], number | number[]][] = [
    [[1, 7, 5, 3], [-1]], // an RGB batch, as VGG preprocessing
    [[6, 5, 3], 2],
    [[4, 9], [1]], // runs other than 3
    [[11], [0]],
    [[2, 3, 4], [0]], // stock path: an outer axis
    [[2, 3, 4], [1, 2]], // stock path: several axes
  ];
  it.each(cases)('matches cpu: %j reversed on %j', async (shape, dims) => {
    await expectKernelMatchesCpu('Reverse', { x: randomInput(shape, 91) }, { dims });
  });

  it('reverses int32 tensors through the stock kernel', async () => {
    const x: Input = { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: 'int32' };
    await expectKernelMatchesCpu('Reverse', { x }, { dims: [1] });
  });
});
