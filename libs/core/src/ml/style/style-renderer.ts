/**
 * A Gatys style-transfer render: the pixels of G are optimised with Adam to minimise
 * J(G) = α·J_content + β·J_style + γ·J_tv through VGG19 features (DESIGN.md "ML conventions"),
 * at one or more scales (see `planRender`). I/O happens only through the hooks: the caller decodes
 * the inputs, stores previews, checkpoints and the output, and decides when to stop.
 *
 * Iteration k reports the losses of the image after k Adam updates; k runs from 0 (the initial
 * image) to `iterations` (the output), so a render reports `iterations + 1` loss values.
 */
import * as tf from '@tensorflow/tfjs';
import { encodePng, resizeImage } from './image-io';
import { DEFAULT_LARGE_RENDER, LargeRenderSettings, planRender, RenderPlan } from './large-render';
import { adamUpdate, AdamState, DEFAULT_ADAM, disposeAdamState, initialAdamState } from './pixel-adam';
import { preserveContentColors } from './preserve-colors';
import { RenderObjective } from './render-objective';
import { RenderOptions, styleBlendWeightsFor } from './render-options';
import { deserializeRenderState, RENDER_STATE_VERSION, RenderState } from './render-state';
import { LossTerms } from './style-losses';
import { blendedStyleGrams } from './style-targets';
import { createFeatureExtractor } from './vgg-loader';

export interface RenderInputs {
  /** A VGG19 (full or truncated) from `loadVggModel`; not disposed by the render. */
  vgg: tf.LayersModel;
  /** The content image, decoded, any size, 0..255 RGB `[H, W, 3]`; not disposed by the render. */
  content: tf.Tensor3D;
  /** One or more style images, as the content; blended with `options.styleBlendWeights`. */
  styles: readonly tf.Tensor3D[];
  options: RenderOptions;
}

export interface IterationReport {
  iteration: number;
  iterations: number;
  losses: LossTerms<number>;
  /** Wall time since the previous report (for the first report: set-up and the first evaluation). */
  secondsPerIteration: number;
  /** Index of the coarse-to-fine scale, and that scale's `[height, width]`. */
  stage: number;
  shape: [number, number];
}

export interface RenderHooks {
  onIteration?(report: IterationReport): void | Promise<void>;
  /** A PNG of the current image every `options.previewEvery` iterations (colours preserved if asked). */
  onPreview?(iteration: number, png: Uint8Array): void | Promise<void>;
  /** Checked before every iteration; true ends the render with status `stopped` and its state. */
  shouldStop?(): boolean | Promise<boolean>;
  /** The resumable state every `checkpointEvery` iterations; store it (e.g. `serializeRenderState`). */
  onCheckpoint?(state: RenderState): void | Promise<void>;
}

export interface RenderSettings {
  /** Continue a render from a saved state (object or its bytes) instead of starting over. */
  resumeFrom?: RenderState | Uint8Array;
  /** Iterations between `onCheckpoint` calls. Default 50. */
  checkpointEvery?: number;
  /** Coarse-to-fine and tiling budget (see `LargeRenderSettings`). */
  large?: Partial<LargeRenderSettings>;
}

export interface RenderResult {
  status: 'completed' | 'stopped';
  /** Adam updates applied. */
  iteration: number;
  /** The image as PNG (the output when completed, the current image when stopped). */
  png: Uint8Array;
  /** The same image as float 0..255 RGB, row-major `height·width·3`. */
  pixels: Float32Array;
  shape: [number, number];
  /** The last reported losses (undefined only if stopped before the first evaluation). */
  losses: LossTerms<number> | undefined;
  lossHistory: LossTerms<number>[];
  /** Where the render stands; pass as `resumeFrom` to continue a stopped render. */
  state: RenderState;
  plan: RenderPlan;
}

export const DEFAULT_CHECKPOINT_EVERY = 50;

export async function renderStyle(inputs: RenderInputs, hooks: RenderHooks = {}, settings: RenderSettings = {}): Promise<RenderResult> {
  const { options, content, styles } = inputs;
  const extractor = createFeatureExtractor(inputs.vgg, { contentLayers: options.contentLayers, styleLayers: options.styleLayers });
  const blend = styleBlendWeightsFor(options, styles.length);
  const large: LargeRenderSettings = { ...DEFAULT_LARGE_RENDER, ...settings.large };
  const plan = planRender([content.shape[0], content.shape[1]], options, large);
  const resume = settings.resumeFrom instanceof Uint8Array ? deserializeRenderState(settings.resumeFrom) : settings.resumeFrom;
  if (resume) checkResumable(resume, plan);
  const checkpointEvery = settings.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  const seed = resume?.seed ?? options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const weights = { contentWeight: options.contentWeight, styleWeight: options.styleWeight, tvWeight: options.tvWeight };
  const adamSettings = { ...DEFAULT_ADAM, learningRate: options.learningRate };

  const lossHistory = resume ? resume.lossHistory.slice(0, resume.iteration) : [];
  let iteration = resume?.iteration ?? 0;
  let stageIndex = resume?.stage ?? 0;
  let image: tf.Tensor3D | undefined = resume ? tf.tensor3d(resume.image, [...resume.shape, 3]) : undefined;
  let adam: AdamState | undefined =
    resume && resume.adam.step > 0
      ? { step: resume.adam.step, m: tf.tensor3d(resume.adam.m, [...resume.shape, 3]), v: tf.tensor3d(resume.adam.v, [...resume.shape, 3]) }
      : undefined;
  let status: RenderResult['status'] = 'completed';
  let stageContent: tf.Tensor3D | undefined;
  let lastReport = Date.now();

  const state = async (): Promise<RenderState> => {
    const img = image as tf.Tensor3D;
    return {
      version: RENDER_STATE_VERSION,
      iteration,
      stage: stageIndex,
      shape: [img.shape[0], img.shape[1]],
      image: (await img.data()) as Float32Array,
      adam: adam
        ? { step: adam.step, m: (await adam.m.data()) as Float32Array, v: (await adam.v.data()) as Float32Array }
        : { step: 0, m: new Float32Array(0), v: new Float32Array(0) },
      lossHistory: [...lossHistory],
      seed,
      planKey: plan.key,
    };
  };
  // Previews and the output show what the user asked for: with preserveColors, the content's chrominance.
  const presentable = (): tf.Tensor3D =>
    options.preserveColors ? preserveContentColors(image as tf.Tensor3D, stageContent as tf.Tensor3D) : (image as tf.Tensor3D).clone();

  try {
    stages: for (const stage of plan.stages.slice(stageIndex)) {
      stageIndex = stage.index;
      stageContent = resizeImage(content, stage.shape);
      image ??= initialImage(options.init, stageContent, seed);
      const styleSize = Math.round(stage.longSide * options.styleScale);
      const grams = blendedStyleGrams(extractor, styles, blend, styleSize, large.maxTilePixels);
      const objective = new RenderObjective(extractor, stageContent, grams, weights, stage.tiles, large.tileOverlap);
      const end = stage.firstIteration + stage.iterations;
      const isFinal = stage.index === plan.stages.length - 1;
      try {
        for (;;) {
          if (await hooks.shouldStop?.()) {
            status = 'stopped';
            break stages;
          }
          const updating = iteration < end;
          const { losses, grad } = await objective.evaluate(image, updating);
          lossHistory.push(losses);
          const now = Date.now();
          await hooks.onIteration?.({
            iteration,
            iterations: plan.iterations,
            losses,
            secondsPerIteration: (now - lastReport) / 1000,
            stage: stage.index,
            shape: stage.shape,
          });
          lastReport = now;
          if (options.previewEvery && hooks.onPreview && iteration > 0 && iteration % options.previewEvery === 0) {
            const preview = presentable();
            await hooks.onPreview(iteration, await encodePng(preview));
            preview.dispose();
          }
          if (!grad) break;
          adam ??= initialAdamState([...stage.shape, 3]);
          const next = adamUpdate(image, grad, adam, adamSettings);
          grad.dispose();
          image.dispose();
          disposeAdamState(adam);
          image = next.x;
          adam = next.state;
          iteration += 1;
          if (iteration === end && !isFinal) {
            // Hand the image to the next scale now, so a checkpoint taken here resumes there.
            const nextStage = plan.stages[stage.index + 1];
            const upsampled = resizeImage(image, nextStage.shape);
            image.dispose();
            disposeAdamState(adam);
            image = upsampled;
            adam = undefined;
            stageIndex = nextStage.index;
          }
          if (hooks.onCheckpoint && checkpointEvery > 0 && iteration % checkpointEvery === 0) await hooks.onCheckpoint(await state());
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (iteration === end && !isFinal) break;
        }
      } finally {
        objective.dispose();
      }
      if (!isFinal) {
        stageContent.dispose();
        stageContent = undefined;
      }
    }
    // A render stopped right after a change of scale holds an image of the next scale's size.
    const shape: [number, number] = [(image as tf.Tensor3D).shape[0], (image as tf.Tensor3D).shape[1]];
    if (!stageContent || stageContent.shape[0] !== shape[0] || stageContent.shape[1] !== shape[1]) {
      stageContent?.dispose();
      stageContent = resizeImage(content, shape);
    }
    const shown = presentable();
    const [pixels, png] = await Promise.all([shown.data() as Promise<Float32Array>, encodePng(shown)]);
    shown.dispose();
    const finalState = await state();
    return {
      status,
      iteration,
      png,
      pixels,
      shape,
      losses: lossHistory[lossHistory.length - 1],
      lossHistory,
      state: finalState,
      plan,
    };
  } finally {
    image?.dispose();
    if (adam) disposeAdamState(adam);
    stageContent?.dispose();
  }
}

/** The starting image: the content, or uniform noise over 0..255 from the seed. */
function initialImage(init: RenderOptions['init'], content: tf.Tensor3D, seed: number): tf.Tensor3D {
  return init === 'content' ? content.clone() : tf.randomUniform(content.shape, 0, 255, 'float32', seed);
}

function checkResumable(state: RenderState, plan: RenderPlan): void {
  if (state.planKey !== plan.key) {
    throw new Error(`the saved render state is for a different render (scales ${state.planKey}, this render ${plan.key})`);
  }
  const stage = plan.stages[state.stage];
  if (!stage || stage.shape[0] !== state.shape[0] || stage.shape[1] !== state.shape[1] || state.iteration > plan.iterations) {
    throw new Error('the saved render state does not match this render');
  }
}
