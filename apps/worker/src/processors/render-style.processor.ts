/**
 * Sandboxed processor for `render-style`: Gatys optimisation of a render's pixels. Reads the
 * checked inputs and the VGG19 weights from storage, reports every iteration (record, history,
 * metrics via job progress), writes previews and a resumable state, and the output PNG at the end.
 * A retried job resumes from the saved state instead of iteration 0.
 */
import type { SandboxedJob } from 'bullmq';
import {
  decodeImage,
  deserializeRenderState,
  IterationReport,
  MissingLayerError,
  objectKey,
  renderStyle,
  serializeRenderState,
  startBackend,
} from '@facestyle/core';
import { UnrecoverableError } from 'bullmq';
import { vggModel } from '../models/vgg-model';
import { parseJobInput } from './job-input';
import { tensorMemory } from './tensor-memory';
import { processorContext } from './processor-context';
import { requeueForShutdown, shutdownRequested } from './shutdown-signal';

/** Progress sent to the parent worker, which turns it into metrics. */
export interface RenderProgressEvent {
  type: 'render-iteration';
  iteration: number;
  iterations: number;
  seconds: number;
  losses: { content: number; style: number; tv: number; total: number };
  memory: { numTensors: number; numBytes: number };
}

export default async function processRenderStyle(job: SandboxedJob, token?: string): Promise<{ width: number; height: number; iterations: number; cancelled?: boolean }> {
  const payload = parseJobInput('render-style', job.data);
  const { config, store, records } = processorContext();
  await startBackend(config.tfBackend, { wasmThreads: config.wasmThreads });
  const id = payload.id;
  const stateKey = objectKey('renders', id, 'state.bin');
  const model = await vggModel(config.vgg19ModelUrl);
  const content = await decodeImage(await store.get(payload.inputs.content));
  const styles = await Promise.all(payload.inputs.styles.map(async (key) => decodeImage(await store.get(key))));

  const saved = await store.stat(stateKey);
  const resumeFrom = saved ? deserializeRenderState(await store.get(stateKey)) : undefined;
  // The history holds one entry per reported iteration; a resumed render repeats from its state.
  await records.truncateHistory('render', id, resumeFrom?.iteration ?? 0);
  const previews = new Set<number>(((await records.get('render', id))?.progress as { previews?: number[] } | undefined)?.previews ?? []);
  const pixels = payload.options.size * payload.options.size;
  let averageSeconds: number | undefined;
  let lastCancelCheck = 0;

  const resumedFrom = resumeFrom?.iteration;
  const onIteration = async (report: IterationReport) => {
    averageSeconds = averageSeconds === undefined ? report.secondsPerIteration : 0.8 * averageSeconds + 0.2 * report.secondsPerIteration;
    const progress = {
      iteration: report.iteration,
      iterations: report.iterations,
      losses: report.losses,
      secondsPerIteration: report.secondsPerIteration,
      etaSeconds: Math.round(averageSeconds * (report.iterations - report.iteration)),
      stage: report.stage,
      shape: report.shape,
      previews: [...previews].sort((a, b) => a - b),
      ...(resumedFrom !== undefined ? { resumedFrom } : {}),
    };
    await records.appendHistory('render', id, [{ iteration: report.iteration, ...report.losses }]);
    await records.update('render', id, { progress });
    const event: RenderProgressEvent = {
      type: 'render-iteration',
      iteration: report.iteration,
      iterations: report.iterations,
      seconds: report.secondsPerIteration,
      losses: report.losses,
      memory: tensorMemory(),
    };
    await job.updateProgress(event as unknown as object);
  };

  let result;
  try {
    result = await renderStyle(
      { vgg: model, content, styles, options: payload.options },
      {
        onIteration,
        onPreview: async (iteration, png) => {
          await store.put(objectKey('renders', id, 'previews', `${iteration}.png`), png, { contentType: 'image/png' });
          previews.add(iteration);
        },
        onCheckpoint: async (state) => {
          await store.put(stateKey, serializeRenderState(state));
        },
        shouldStop: async () => {
          if (await shutdownRequested()) return true;
          // One HGET per iteration is cheap next to a VGG pass, but skip it for tiny fast renders.
          if (Date.now() - lastCancelCheck < 200) return false;
          lastCancelCheck = Date.now();
          return records.isCancelRequested('render', id);
        },
      },
      { resumeFrom, checkpointEvery: pixels > 1_000_000 ? 100 : 25, large: { maxTilePixels: config.render.maxTilePixels, coarseSize: config.render.coarseSize } },
    );
  } catch (err) {
    if (err instanceof MissingLayerError) throw new UnrecoverableError(err.message);
    throw err;
  } finally {
    content.dispose();
    styles.forEach((s) => s.dispose());
  }

  if (result.status === 'stopped' && (await shutdownRequested())) {
    await store.put(stateKey, serializeRenderState(result.state));
    await requeueForShutdown(job, token, `state saved at iteration ${result.iteration}, the render resumes from it`);
  }
  const [height, width] = result.shape;
  const stopped = result.status === 'stopped';
  if (stopped) {
    // Keep where the render stood: the last image becomes a preview.
    await store.put(objectKey('renders', id, 'previews', `${result.iteration}.png`), result.png, { contentType: 'image/png' });
    previews.add(result.iteration);
  }
  const lastProgress = (await records.get('render', id))?.progress as object | undefined;
  await records.update('render', id, { progress: { ...lastProgress, previews: [...previews].sort((a, b) => a - b) } });
  if (stopped) return { width, height, iterations: result.iteration, cancelled: true };
  await store.put(objectKey('renders', id, 'output.png'), result.png, { contentType: 'image/png' });
  await store.delete(stateKey);
  return { width, height, iterations: result.iteration };
}
