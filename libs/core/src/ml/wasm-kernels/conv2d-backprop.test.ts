/**
 * Conv2DBackpropInput and Conv2DBackpropFilter on wasm (Facestyle kernels) against the cpu
 * backend, on seeded random cases that cover the shapes our models and their edges use.
 */
import { beforeAll, describe, it } from 'vitest';
import { expectKernelMatchesCpu, randomInput, startBothBackends } from './testing/backend-comparison';

type Pad = 'same' | 'valid' | number[][];

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: Pad;
}

const CASES: Case[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: 1, pad: 'same' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { x: [1, 7, 7, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [3, 9, 7, 4], filter: [1, 1, 4, 6], strides: 1, pad: 'same' },
  { x: [2, 9, 7, 4], filter: [1, 1, 4, 6], strides: 2, pad: 'valid' },
  { x: [1, 6, 5, 3], filter: [2, 2, 3, 2], strides: 2, pad: 'same' },
  { x: [2, 11, 10, 1], filter: [5, 5, 1, 8], strides: 3, pad: 'same' },
  { x: [2, 6, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [1, 8, 9, 2], filter: [3, 3, 2, 4], strides: 2, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  // More than 4 input channels: the input gradient takes the flipped-filter convolution route.
  { x: [2, 8, 8, 6], filter: [3, 3, 6, 5], strides: 2, pad: 'same' },
  { x: [1, 7, 7, 5], filter: [3, 3, 5, 3], strides: 2, pad: 'valid' },
  { x: [2, 6, 7, 8], filter: [3, 3, 8, 2], strides: 1, pad: 'valid' },
  { x: [3, 9, 7, 5], filter: [1, 1, 5, 6], strides: 2, pad: 'valid' },
  { x: [1, 8, 9, 6], filter: [3, 3, 6, 4], strides: 2, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  // Padding wider than the filter: negative padding in the equivalent convolution.
  { x: [2, 5, 6, 6], filter: [1, 1, 6, 3], strides: 1, pad: [[0, 0], [1, 1], [1, 0], [0, 0]] },
  // Many channels; then enough output positions for several GEMM chunks (the last one partial).
  { x: [2, 12, 10, 16], filter: [3, 3, 16, 24], strides: 1, pad: 'same' },
  { x: [5, 96, 64, 1], filter: [3, 3, 1, 2], strides: 1, pad: 'same' },
  { x: [2, 6, 5, 3], filter: [2, 2, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 9, 8, 2], filter: [5, 5, 2, 3], strides: 1, pad: 'same' },
  { x: [1, 3, 4, 2], filter: [5, 5, 2, 3], strides: 1, pad: 'same' },
];

const label = (c: Case) => `x ${c.x} filter ${c.filter} stride ${c.strides} pad ${JSON.stringify(c.pad)}`;

/** The output shape of the forward convolution (for the shape of dy). */
function outShape(c: Case): [number, number, number, number] {
  const [n, h, w] = c.x;
  const [fh, fw, , co] = c.filter;
  const s = c.strides;
  if (c.pad === 'same') return [n, Math.ceil(h / s), Math.ceil(w / s), co];
  if (c.pad === 'valid') return [n, Math.ceil((h - fh + 1) / s), Math.ceil((w - fw + 1) / s), co];
  const [, [t, b], [l, r]] = c.pad;
  return [n, Math.floor((h + t + b - fh) / s) + 1, Math.floor((w + l + r - fw) / s) + 1, co];
}

beforeAll(startBothBackends);

describe('Conv2DBackpropInput on wasm', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('matches cpu: %s', async (_, c) => {
    await expectKernelMatchesCpu(
      'Conv2DBackpropInput',
      { dy: randomInput(outShape(c), 11), filter: randomInput(c.filter, 12) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x },
    );
  });
});

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('matches cpu: %s', async (_, c) => {
    await expectKernelMatchesCpu(
      'Conv2DBackpropFilter',
      { x: randomInput(c.x, 21), dy: randomInput(outShape(c), 22) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter },
    );
  });
});
