import { describe, expect, it } from 'vitest';
import { deserializeRenderState, RenderState, serializeRenderState } from './render-state';

const state = (withMoments: boolean): RenderState => ({
  version: 1,
  iteration: 7,
  stage: 1,
  shape: [2, 3],
  image: Float32Array.from({ length: 18 }, (_, i) => i * 14.25),
  adam: withMoments
    ? { step: 3, m: Float32Array.from({ length: 18 }, (_, i) => -i / 7), v: Float32Array.from({ length: 18 }, (_, i) => i * 1e-9) }
    : { step: 0, m: new Float32Array(0), v: new Float32Array(0) },
  lossHistory: [{ content: 1, style: 2, tv: 3, total: 6 }],
  seed: 1234,
  planKey: '12x16:5,24x32:2',
});

describe('render state bytes', () => {
  it.each([true, false])('round-trip exactly (Adam moments: %s)', (withMoments) => {
    const s = state(withMoments);
    expect(deserializeRenderState(serializeRenderState(s))).toEqual(s);
  });

  it('refuses foreign or truncated bytes', () => {
    expect(() => deserializeRenderState(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/bad magic/);
    const bytes = serializeRenderState(state(true));
    expect(() => deserializeRenderState(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
  });
});
