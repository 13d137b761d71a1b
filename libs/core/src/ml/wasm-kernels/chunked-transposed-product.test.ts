/** Aᵀ·B in row chunks (the Gram-matrix path of BatchMatMul on wasm) against the cpu backend. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkedTransposedProduct, chunkRows } from './chunked-transposed-product';
import { BackendWasm } from './wasm-kernel-context';
import { expectClose, randomInput, runOn, startBothBackends } from './testing/backend-comparison';

beforeAll(startBothBackends);

describe('chunkRows', () => {
  it('chunks a style layer’s Gram operand into ~1 MB pieces', () => {
    expect(chunkRows(49152, 64, 64)).toBe(4096);
    expect(chunkRows(12288, 128, 128)).toBe(2048);
  });

  it('leaves short inner dimensions whole', () => {
    expect(chunkRows(3072, 256, 256)).toBeUndefined();
    expect(chunkRows(9000, 12, 12)).toBeUndefined();
  });
});

describe('chunkedTransposedProduct on wasm', () => {
  const cases: [number, number, number, number][] = [
    [1050, 24, 17, 100], // last chunk partial
    [1000, 8, 8, 250], // chunks divide k
    [300, 5, 3, 1000], // one chunk
  ];
  it.each(cases)('Aᵀ·B for k=%i, m=%i, n=%i in chunks of %i rows matches cpu', async (k, m, n, rows) => {
    const a = randomInput([k, m], 61);
    const b = randomInput([k, n], 62);
    const expected = await runOn('cpu', () => tf.matMul(tf.tensor2d(a.values, [k, m]), tf.tensor2d(b.values, [k, n]), true, false));
    const actual = await runOn('wasm', () => {
      const ta = tf.tensor2d(a.values, [k, m]);
      const tb = tf.tensor2d(b.values, [k, n]);
      const out = chunkedTransposedProduct(tf.backend() as unknown as BackendWasm, ta, tb, rows);
      return tf.engine().makeTensorFromTensorInfo(out);
    });
    expectClose(actual, expected, 1e-5);
  });

  it('serves a full-size Gram matrix through BatchMatMul', async () => {
    const f = randomInput([16384, 64], 63);
    const gram = () => {
      const t = tf.tensor2d(f.values, [16384, 64]);
      return tf.matMul(t, t, true, false);
    };
    expectClose(await runOn('wasm', gram), await runOn('cpu', gram), 1e-5);
  });
});
