/**
 * The resumable state of a render, as plain arrays so it can be checkpointed to storage and a
 * retried job can continue where it stopped.
 *
 * Byte format (little-endian): "FSRS" · u32 header length · UTF-8 JSON header · padding to a
 * multiple of 4 · float32 image · float32 Adam m · float32 Adam v (each `height·width·3`).
 */
import { LossTerms } from './style-losses';

export const RENDER_STATE_VERSION = 1;

export interface RenderState {
  version: typeof RENDER_STATE_VERSION;
  /** Adam updates applied so far = the iteration whose losses are reported next. */
  iteration: number;
  /** Index of the coarse-to-fine scale the image belongs to. */
  stage: number;
  /** `[height, width]` of the image at that scale. */
  shape: [number, number];
  /** The generated image, 0..255 RGB, row-major `height·width·3`. */
  image: Float32Array;
  /** Adam: updates applied at this scale and the moment estimates (empty when none yet). */
  adam: { step: number; m: Float32Array; v: Float32Array };
  /** Losses reported for iterations 0..iteration−1. */
  lossHistory: LossTerms<number>[];
  /** Seed the render used (given or drawn), so a resumed render stays reproducible. */
  seed: number;
  /** Identifies the plan (sizes and iterations per scale); a state only resumes the render it came from. */
  planKey: string;
}

const MAGIC = 'FSRS';

/** Encodes a state as bytes (see the format above). */
export function serializeRenderState(state: RenderState): Uint8Array {
  const header = {
    version: state.version,
    iteration: state.iteration,
    stage: state.stage,
    shape: state.shape,
    adamStep: state.adam.step,
    hasMoments: state.adam.m.length > 0,
    lossHistory: state.lossHistory,
    seed: state.seed,
    planKey: state.planKey,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = align4(8 + json.byteLength);
  const pixels = state.shape[0] * state.shape[1] * 3;
  const arrays = header.hasMoments ? [state.image, state.adam.m, state.adam.v] : [state.image];
  for (const a of arrays) if (a.length !== pixels) throw new Error(`render state array of ${a.length} values for ${pixels}`);
  const bytes = new Uint8Array(headerEnd + arrays.length * pixels * 4);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, json.byteLength, true);
  bytes.set(json, 8);
  arrays.forEach((a, i) => {
    const offset = headerEnd + i * pixels * 4;
    for (let j = 0; j < a.length; j++) view.setFloat32(offset + j * 4, a[j], true);
  });
  return bytes;
}

/** Decodes bytes written by `serializeRenderState`; throws on anything else. */
export function deserializeRenderState(bytes: Uint8Array): RenderState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new Error('not a Facestyle render state (bad magic)');
  }
  const jsonLength = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength))) as {
    version: number;
    iteration: number;
    stage: number;
    shape: [number, number];
    adamStep: number;
    hasMoments: boolean;
    lossHistory: LossTerms<number>[];
    seed: number;
    planKey: string;
  };
  if (header.version !== RENDER_STATE_VERSION) throw new Error(`render state version ${header.version} is not supported`);
  const pixels = header.shape[0] * header.shape[1] * 3;
  const headerEnd = align4(8 + jsonLength);
  const count = header.hasMoments ? 3 : 1;
  if (bytes.byteLength !== headerEnd + count * pixels * 4) {
    throw new Error(`render state is ${bytes.byteLength} bytes, expected ${headerEnd + count * pixels * 4} (truncated?)`);
  }
  const read = (i: number) => {
    const out = new Float32Array(pixels);
    const offset = headerEnd + i * pixels * 4;
    for (let j = 0; j < pixels; j++) out[j] = view.getFloat32(offset + j * 4, true);
    return out;
  };
  return {
    version: RENDER_STATE_VERSION,
    iteration: header.iteration,
    stage: header.stage,
    shape: header.shape,
    image: read(0),
    adam: header.hasMoments
      ? { step: header.adamStep, m: read(1), v: read(2) }
      : { step: 0, m: new Float32Array(0), v: new Float32Array(0) },
    lossHistory: header.lossHistory,
    seed: header.seed,
    planKey: header.planKey,
  };
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}
