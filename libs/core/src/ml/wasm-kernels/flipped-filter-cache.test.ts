/**
 * The flipped filters Conv2DBackpropInput keeps between calls: reused while the source filter
 * lives, freed once it is gone, bounded, and never a change in the results.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectClose, Input, randomInput, runKernelOn, startBothBackends } from './testing/backend-comparison';
import { clearFlippedFilterCache, flippedFilterCacheSize } from './flipped-filter-cache';
import { installFastWasmKernels, uninstallFastWasmKernels } from './index';
import { BackendWasm } from './wasm-kernel-context';

/** More than 4 input channels, so the kernel takes the flipped-filter route. */
const INPUT_SHAPE: [number, number, number, number] = [1, 8, 8, 6];
const FILTER_SHAPE: [number, number, number, number] = [3, 3, 6, 5];
const DY_SHAPE: [number, number, number, number] = [1, 8, 8, 5];
const ATTRS = { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: INPUT_SHAPE };

const wasm = () => tf.backend() as BackendWasm;

function tensorOf(input: Input): tf.Tensor {
  return tf.tensor(input.values, input.shape);
}

function filterTensor(seed: number, shape: number[] = FILTER_SHAPE): tf.Tensor {
  return tensorOf(randomInput(shape, seed));
}

function backpropInput(dy: tf.Tensor, filter: tf.Tensor, attrs: object = ATTRS): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs as tf.NamedAttrMap) as tf.Tensor;
}

beforeAll(startBothBackends);

beforeEach(async () => {
  await tf.setBackend('wasm');
  clearFlippedFilterCache(wasm());
});

afterEach(() => clearFlippedFilterCache(wasm()));

describe('flipped filter cache', () => {
  it('reuses the flipped copy for the same filter, with identical results that match cpu', async () => {
    const inputs = { dy: randomInput(DY_SHAPE, 31), filter: randomInput(FILTER_SHAPE, 32) };
    const [dy, filter] = [tensorOf(inputs.dy), tensorOf(inputs.filter)];
    const buffers = wasm().numDataIds();
    const first = backpropInput(dy, filter);
    expect(flippedFilterCacheSize(wasm())).toBe(1);
    expect(wasm().numDataIds()).toBe(buffers + 2); // the output and the flipped copy
    const second = backpropInput(dy, filter);
    expect(flippedFilterCacheSize(wasm())).toBe(1);
    expect(wasm().numDataIds()).toBe(buffers + 3); // only the second output is new
    const [a, b] = [await first.data(), await second.data()];
    expect(Array.from(b)).toEqual(Array.from(a));

    const expected = await runKernelOn('cpu', 'Conv2DBackpropInput', inputs, ATTRS);
    await tf.setBackend('wasm');
    expectClose({ values: b, shape: second.shape }, expected);
    tf.dispose([dy, filter, first, second]);
  });

  it('frees the copy of a disposed filter at the next call', async () => {
    const dy = tensorOf(randomInput(DY_SHAPE, 33));
    const buffers = wasm().numDataIds();
    const gone = filterTensor(34);
    backpropInput(dy, gone).dispose();
    gone.dispose();
    expect(wasm().numDataIds()).toBe(buffers + 1); // the stale copy, until the next call
    const filter = filterTensor(35);
    backpropInput(dy, filter).dispose();
    expect(flippedFilterCacheSize(wasm())).toBe(1);
    filter.dispose();
    expect(wasm().numDataIds()).toBe(buffers + 1); // only the copy of the last filter
    clearFlippedFilterCache(wasm());
    expect(wasm().numDataIds()).toBe(buffers);
    dy.dispose();
  });

  it('flips again when a buffer comes back under another filter shape', async () => {
    // A reshape shares its source's buffer (and dataId); the flip depends on the shape.
    const dy = randomInput(DY_SHAPE, 36);
    const filter = filterTensor(37);
    const swapped = tf.reshape(filter, [3, 3, 5, 6]);
    const swappedAttrs = { ...ATTRS, inputShape: [1, 8, 8, 5] };
    const swappedDy = randomInput([1, 8, 8, 6], 38);
    for (const [f, d, attrs] of [
      [filter, dy, ATTRS],
      [swapped, swappedDy, swappedAttrs],
      [filter, dy, ATTRS],
    ] as const) {
      const filterInput = { values: (await f.data()) as Float32Array, shape: f.shape };
      const expected = await runKernelOn('cpu', 'Conv2DBackpropInput', { dy: d, filter: filterInput }, attrs);
      await tf.setBackend('wasm');
      const dyTensor = tensorOf(d);
      const out = backpropInput(dyTensor, f, attrs);
      expectClose({ values: await out.data(), shape: out.shape }, expected);
      expect(flippedFilterCacheSize(wasm())).toBe(1);
      tf.dispose([dyTensor, out]);
    }
    tf.dispose([filter, swapped]);
  });

  it('holds at most 64 copies, freeing the least recently used', async () => {
    const shape = [1, 1, 6, 5];
    const dy = tensorOf(randomInput(DY_SHAPE, 39));
    const filters = Array.from({ length: 71 }, (_, i) => filterTensor(100 + i, shape));
    const buffers = wasm().numDataIds();
    for (const filter of filters.slice(0, 70)) backpropInput(dy, filter).dispose();
    expect(flippedFilterCacheSize(wasm())).toBe(64); // filters 6..69
    expect(wasm().numDataIds()).toBe(buffers + 64);

    // Using filter 6 again makes 7 the least recently used: filter 70 pushes out 7, not 6.
    backpropInput(dy, filters[6]).dispose();
    backpropInput(dy, filters[70]).dispose();
    filters[6].dispose();
    backpropInput(dy, filters[70]).dispose(); // frees the copy of 6, if it was still there
    expect(flippedFilterCacheSize(wasm())).toBe(63);

    clearFlippedFilterCache(wasm());
    expect(wasm().numDataIds()).toBe(buffers - 1); // filter 6 itself is gone too
    tf.dispose([dy, ...filters]);
  });

  it('is emptied when the fast kernels are uninstalled', () => {
    const dy = tensorOf(randomInput(DY_SHAPE, 40));
    const filter = filterTensor(41);
    const buffers = wasm().numDataIds();
    backpropInput(dy, filter).dispose();
    expect(flippedFilterCacheSize(wasm())).toBe(1);
    uninstallFastWasmKernels();
    try {
      expect(flippedFilterCacheSize(wasm())).toBe(0);
      expect(wasm().numDataIds()).toBe(buffers);
    } finally {
      installFastWasmKernels();
    }
    tf.dispose([dy, filter]);
  });
});
