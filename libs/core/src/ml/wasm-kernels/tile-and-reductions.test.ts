/** Tile, Sum and Mean on wasm (Facestyle kernels) against the cpu backend. */
import { beforeAll, describe, it } from 'vitest';
import { expectKernelMatchesCpu, Input, randomInput, startBothBackends } from './testing/backend-comparison';

beforeAll(startBothBackends);

describe('Tile on wasm', () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 1, 5], [3, 4, 2, 1]],
    [[2, 3], [1, 70]],
    [[4, 1], [2, 3]],
    [[2, 3, 4], [2, 1, 3]],
    [[3, 1, 2, 1], [2, 5, 1, 80]],
    [[7], [9]],
    [[1, 1, 1, 64], [2, 5, 6, 1]],
  ];
  it.each(cases)('matches cpu: %j × reps %j', async (shape, reps) => {
    await expectKernelMatchesCpu('Tile', { x: randomInput(shape, 61) }, { reps });
  });

  it('tiles int32 tensors', async () => {
    const x: Input = { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: 'int32' };
    await expectKernelMatchesCpu('Tile', { x }, { reps: [3, 2] });
  });
});

describe('Sum and Mean on wasm', () => {
  const cases: [number[], number | number[], boolean][] = [
    [[4, 6, 5, 3], [0, 1, 2], false],
    [[4, 6, 5, 3], [2, 0, 1], true],
    [[50, 7], 0, false],
    [[3, 4, 5], [0, 1, 2], false],
    [[3, 4, 5], -1, false], // not leading: the stock kernel
    [[3, 4, 5], [1, 2], true], // not leading: the stock kernel
  ];
  it.each(cases)('Sum matches cpu: %j over %j keepDims=%s', async (shape, axis, keepDims) => {
    await expectKernelMatchesCpu('Sum', { x: randomInput(shape, 71) }, { axis, keepDims });
  });
  it.each(cases)('Mean matches cpu: %j over %j keepDims=%s', async (shape, axis, keepDims) => {
    await expectKernelMatchesCpu('Mean', { x: randomInput(shape, 72) }, { axis, keepDims });
  });
});
