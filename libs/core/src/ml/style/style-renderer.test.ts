import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, renderSize } from './image-io';
import { rgbToYuv } from './preserve-colors';
import { parseRenderOptions, RenderOptionsInput } from './render-options';
import { deserializeRenderState, RenderState, serializeRenderState } from './render-state';
import { IterationReport, renderStyle, RenderResult } from './style-renderer';
import { loadRenderFixtures, RenderFixtures } from './testing/render-fixtures';
import { expectNoTensorLeak } from './testing/tensor-leaks';
import { MissingLayerError } from './vgg-layers';

let fx: RenderFixtures;

beforeAll(async () => {
  fx = await loadRenderFixtures();
});

const BASE: RenderOptionsInput = { size: 32, iterations: 4, contentWeight: 1, styleWeight: 1e-3, tvWeight: 1e-2, learningRate: 4 };

function render(options: RenderOptionsInput, styles = [fx.starryNight], extra: Parameters<typeof renderStyle>[1] = {}, settings = {}) {
  return renderStyle({ vgg: fx.vgg, content: fx.tubingen, styles, options: parseRenderOptions({ ...BASE, ...options }) }, extra, settings);
}

/**
 * Losses computed independently of the renderer: VGG19 rebuilt from raw conv2d/relu/maxPool ops
 * on the model's weights, and caffe preprocessing, Gram matrices, losses and TV in plain loops.
 */
async function referenceLosses(generated: tf.Tensor3D, content: tf.Tensor3D, style: tf.Tensor3D) {
  const vggForward = async (rgb: tf.Tensor3D) => {
    const [h, w] = rgb.shape;
    const px = await rgb.data();
    const bgr = new Float32Array(h * w * 3);
    const mean = [103.939, 116.779, 123.68];
    for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) bgr[i * 3 + c] = px[i * 3 + (2 - c)] - mean[c];
    const out: Record<string, { data: Float32Array; positions: number; channels: number }> = {};
    let x = tf.tensor4d(bgr, [1, h, w, 3]);
    for (const name of ['block1_conv1', 'block1_conv2', 'pool', 'block2_conv1', 'block2_conv2', 'pool', 'block3_conv1', 'block3_conv2']) {
      const next: tf.Tensor4D = tf.tidy(() => {
        if (name === 'pool') return tf.maxPool(x, 2, 2, 'valid');
        const [kernel, bias] = fx.vgg.getLayer(name).getWeights();
        return tf.relu(tf.add(tf.conv2d(x, kernel as tf.Tensor4D, 1, 'same'), bias)) as tf.Tensor4D;
      });
      x.dispose();
      x = next;
      if (name !== 'pool') out[name] = { data: (await x.data()) as Float32Array, positions: x.shape[1] * x.shape[2], channels: x.shape[3] };
    }
    x.dispose();
    return out;
  };
  const gram = (f: { data: Float32Array; positions: number; channels: number }) => {
    const { data, positions: n, channels: c } = f;
    const g = new Float64Array(c * c);
    for (let p = 0; p < n; p++) for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) g[i * c + j] += data[p * c + i] * data[p * c + j];
    return g.map((v) => v / n);
  };
  const meanSquaredDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
    return s / a.length;
  };
  const [fg, fc, fs] = [await vggForward(generated), await vggForward(content), await vggForward(style)];
  const styleLayers = ['block1_conv1', 'block2_conv1', 'block3_conv1'];
  const styleLoss = styleLayers.reduce((s, l) => s + meanSquaredDiff(gram(fg[l]), gram(fs[l])), 0) / styleLayers.length;
  const contentLoss = meanSquaredDiff(fg.block3_conv2.data, fc.block3_conv2.data);
  const [h, w] = generated.shape;
  const g = await generated.data();
  let tv = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        const v = g[(y * w + x) * 3 + c];
        if (y + 1 < h) tv += Math.abs(g[((y + 1) * w + x) * 3 + c] - v);
        if (x + 1 < w) tv += Math.abs(g[(y * w + x + 1) * 3 + c] - v);
      }
    }
  }
  return { content: contentLoss, style: styleLoss, tv };
}

function resized(image: tf.Tensor3D, size: number): tf.Tensor3D {
  return tf.tidy(() => tf.image.resizeBilinear(image, renderSize([image.shape[0], image.shape[1]], size), false, true));
}

describe('renderStyle', () => {
  it("reports iteration-0 losses that match an independent computation (init 'content')", async () => {
    const result = await render({ iterations: 1 });
    const [content, style] = [resized(fx.tubingen, 32), resized(fx.starryNight, 32)];
    const ref = await referenceLosses(content, content, style);
    const first = result.lossHistory[0];
    expect(first.content).toBeLessThan(1e-6); // G = C; only float noise between the two forward passes
    expect(first.style).toBeCloseTo(ref.style, -Math.log10(ref.style * 1e-4));
    expect(first.tv).toBeCloseTo(ref.tv, -Math.log10(ref.tv * 1e-5));
    expect(first.total).toBeCloseTo(1e-3 * ref.style + 1e-2 * ref.tv, -Math.log10(first.total * 1e-4));
    [content, style].forEach((t) => t.dispose());
  });

  it("reports iteration-0 losses that match an independent computation (seeded init 'random')", async () => {
    const result = await render({ iterations: 1, init: 'random', seed: 7 });
    const [content, style] = [resized(fx.tubingen, 32), resized(fx.starryNight, 32)];
    const noise = tf.randomUniform(content.shape, 0, 255, 'float32', 7) as tf.Tensor3D;
    const ref = await referenceLosses(noise, content, style);
    const first = result.lossHistory[0];
    for (const term of ['content', 'style', 'tv'] as const) expect(Math.abs(first[term] / ref[term] - 1)).toBeLessThan(1e-4);
    [content, style, noise].forEach((t) => t.dispose());
  });

  it('extracts the style targets at size · styleScale', async () => {
    const result = await render({ iterations: 1, styleScale: 2 });
    const [content, style] = [resized(fx.tubingen, 32), resized(fx.starryNight, 64)];
    const ref = await referenceLosses(content, content, style);
    expect(Math.abs(result.lossHistory[0].style / ref.style - 1)).toBeLessThan(1e-4);
    [content, style].forEach((t) => t.dispose());
  });

  it('lowers the total loss, reports every iteration, previews on schedule, keeps the event loop alive and leaks no tensors', async () => {
    const reports: IterationReport[] = [];
    const previews: [number, Uint8Array][] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const result = await expectNoTensorLeak(() =>
      render({ iterations: 12, previewEvery: 5 }, [fx.starryNight], {
        onIteration: (r) => void reports.push(r),
        onPreview: (i, png) => void previews.push([i, png]),
      }),
    );
    clearInterval(timer);
    expect(reports.map((r) => r.iteration)).toEqual([...Array(13).keys()]);
    expect(reports.every((r) => r.iterations === 12 && r.secondsPerIteration >= 0)).toBe(true);
    const totals = result.lossHistory.map((l) => l.total);
    expect(totals).toHaveLength(13);
    expect(totals[12]).toBeLessThan(0.5 * totals[0]);
    expect(result.lossHistory[12].style).toBeLessThan(result.lossHistory[0].style);
    expect(previews.map(([i]) => i)).toEqual([5, 10]);
    const preview = await decodeImage(previews[0][1]);
    expect(preview.shape).toEqual([24, 32, 3]);
    preview.dispose();
    expect(result.shape).toEqual([24, 32]);
    expect(result.pixels.every((v) => v >= 0 && v <= 255)).toBe(true);
    expect(ticks).toBeGreaterThan(5);
  });

  it('blends several styles with styleBlendWeights', async () => {
    const opts = { iterations: 3 };
    const onlyStarry = await render(opts, [fx.starryNight]);
    const onlyScream = await render(opts, [fx.theScream]);
    const weightedStarry = await render({ ...opts, styleBlendWeights: [1, 0] }, [fx.starryNight, fx.theScream]);
    const weightedScream = await render({ ...opts, styleBlendWeights: [0, 2] }, [fx.starryNight, fx.theScream]);
    const half = await render(opts, [fx.starryNight, fx.theScream]);
    const diff = (a: RenderResult, b: RenderResult) => a.pixels.reduce((s, v, i) => s + Math.abs(v - b.pixels[i]), 0) / a.pixels.length;
    expect(diff(weightedStarry, onlyStarry)).toBeLessThan(1e-3);
    expect(diff(weightedScream, onlyScream)).toBeLessThan(1e-3);
    expect(diff(half, onlyStarry)).toBeGreaterThan(0.1);
    expect(diff(half, onlyScream)).toBeGreaterThan(0.1);
    await expect(render({ styleBlendWeights: [1, 1, 1] }, [fx.starryNight, fx.theScream])).rejects.toThrow(/3 weights for 2 style images/);
  });

  it("with preserveColors keeps the content's chrominance and the stylised luminance", async () => {
    const [plain, kept] = [await render({ iterations: 4 }), await render({ iterations: 4, preserveColors: true })];
    const content = resized(fx.tubingen, 32);
    const yuv = (px: Float32Array | tf.Tensor3D) =>
      tf.tidy(() => rgbToYuv(px instanceof Float32Array ? tf.tensor2d(px, [px.length / 3, 3]) : px.reshape([-1, 3])).arraySync() as number[][]);
    const [yPlain, yKept, yContent] = [yuv(plain.pixels), yuv(kept.pixels), yuv(content)];
    let compared = 0;
    for (let p = 0; p < yKept.length; p++) {
      const rgb = kept.pixels.subarray(p * 3, p * 3 + 3);
      if (rgb.some((v) => v <= 0 || v >= 255)) continue; // clipped pixels cannot keep both
      compared++;
      expect(Math.abs(yKept[p][1] - yContent[p][1])).toBeLessThan(0.01);
      expect(Math.abs(yKept[p][2] - yContent[p][2])).toBeLessThan(0.01);
      expect(Math.abs(yKept[p][0] - yPlain[p][0])).toBeLessThan(0.01);
    }
    expect(compared).toBeGreaterThan(0.9 * yKept.length);
    const chromaMoved = yPlain.reduce((s, v, p) => s + Math.abs(v[1] - yContent[p][1]) + Math.abs(v[2] - yContent[p][2]), 0);
    expect(chromaMoved / yPlain.length).toBeGreaterThan(0.5); // without it, the style does change the colours
    content.dispose();
  });

  it('resumes a stopped render, even across a change of scale, ending exactly where an uninterrupted one does', async () => {
    const opts = { size: 48, iterations: 6 };
    const large = { coarseSize: 24 }; // scales 24 px (4 iterations) then 48 px (2 iterations)
    const straight = await render(opts, [fx.starryNight], {}, { large });
    expect(straight.plan.stages.map((s) => [s.longSide, s.iterations])).toEqual([
      [24, 4],
      [48, 2],
    ]);
    for (const stopAt of [2, 4]) {
      const checkpoints: RenderState[] = [];
      let next = 0;
      const stopped = await render(
        opts,
        [fx.starryNight],
        { onIteration: (r) => void (next = r.iteration + 1), shouldStop: () => next >= stopAt, onCheckpoint: (s) => void checkpoints.push(s) },
        { large, checkpointEvery: 2 },
      );
      expect(stopped.status).toBe('stopped');
      expect(stopped.state.iteration).toBe(stopAt);
      expect(checkpoints.map((c) => c.iteration)).toEqual(stopAt === 2 ? [2] : [2, 4]);
      const bytes = serializeRenderState(stopped.state);
      expect(deserializeRenderState(bytes)).toEqual(stopped.state);
      const reported: number[] = [];
      const resumed = await expectNoTensorLeak(() =>
        render(opts, [fx.starryNight], { onIteration: (r) => void reported.push(r.iteration) }, { large, resumeFrom: bytes }),
      );
      expect(reported[0]).toBe(stopAt);
      expect(resumed.status).toBe('completed');
      expect(resumed.shape).toEqual([36, 48]);
      expect(resumed.lossHistory).toHaveLength(7);
      resumed.lossHistory.forEach((l, i) => expect(l.total).toBeCloseTo(straight.lossHistory[i].total, -Math.log10(l.total * 1e-5)));
      const maxDiff = resumed.pixels.reduce((m, v, i) => Math.max(m, Math.abs(v - straight.pixels[i])), 0);
      expect(maxDiff).toBeLessThan(1e-3);
    }
    await expect(render({ ...opts, size: 40 }, [fx.starryNight], {}, { large, resumeFrom: straight.state })).rejects.toThrow(
      /state is for a different render/,
    );
  });

  it('names a layer the model does not have before doing any work', async () => {
    await expect(render({ contentLayers: ['block5_conv2'] })).rejects.toThrow(MissingLayerError);
    await expect(render({ styleLayers: ['block1_conv1', 'block4_conv1'] })).rejects.toThrow(/style layer "block4_conv1"/);
  });
});
