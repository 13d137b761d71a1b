/**
 * Sandboxed processor for `training-run`: triplet-loss training of a face-embedding CNN on a
 * stored dataset. Reports every step (record, history, metrics via job progress), evaluates on
 * the held-out identities, and writes TF.js checkpoints (`latest.json` last). A retried job
 * resumes from the latest checkpoint with its optimizer, sampler and RNG state.
 */
import type { SandboxedJob } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import {
  DatasetManifest,
  EmbeddingTrainer,
  EvaluationRecord,
  FaceSample,
  objectKey,
  preprocessFaceImage,
  resolveTrainingConfig,
  splitByIdentity,
  startBackend,
  StepRecord,
} from '@facestyle/core';
import { vggModel } from '../models/vgg-model';
import { CheckpointStore } from '../training/checkpoint-store';
import { trainingEvaluationSummary } from '../training/evaluation-summary';
import { parseJobInput } from './job-input';
import { tensorMemory } from './tensor-memory';
import { processorContext } from './processor-context';
import { requeueForShutdown, shutdownRequested } from './shutdown-signal';

export default async function processTrainingRun(job: SandboxedJob, token?: string): Promise<Record<string, unknown>> {
  const payload = parseJobInput('training-run', job.data);
  const { config: appConfig, store, records } = processorContext();
  await startBackend(appConfig.tfBackend, { wasmThreads: appConfig.wasmThreads });
  const id = payload.id;
  const config = resolveTrainingConfig(payload.options);

  const manifestBytes = await store.get(objectKey('datasets', payload.datasetId, 'manifest.json')).catch(() => {
    throw new UnrecoverableError(`dataset ${payload.datasetId} no longer exists`);
  });
  const manifest = JSON.parse(manifestBytes.toString()) as DatasetManifest;
  const samples: FaceSample[] = [];
  for (const identity of manifest.identities) {
    for (const image of identity.images) {
      samples.push({ identity: identity.name, pixels: await preprocessFaceImage(await store.get(image.key), config.preprocessing) });
    }
  }
  const split = splitByIdentity(samples, payload.options.validation, payload.options.seed);
  const data = { train: split.train, validation: split.validation };

  const checkpoints = new CheckpointStore(store, id);
  const latest = await checkpoints.loadLatest();
  // A new pretrained-backbone run copies its frozen layers from the worker's VGG19; a resumed one has them in its checkpoint.
  const vgg = !latest && config.model.backbone === 'vgg19' ? await vggModel(appConfig.vgg19ModelUrl) : undefined;
  const trainer = latest ? await EmbeddingTrainer.resume(latest, data) : EmbeddingTrainer.create(config, data, vgg);
  const resumedFrom = latest?.step;
  // The history restarts from what the checkpoint holds, so a resumed run has no gap or repeat.
  await records.truncateHistory('training-run', id, 0);
  await records.appendHistory('training-run', id, historyOf(trainer.lossHistory, latest?.evaluations ?? []));

  const steps = payload.options.steps;
  let lastEvaluation = latest?.evaluations.at(-1);
  let bestStep = (await checkpoints.index()).best?.step;
  let checkpointList = (await checkpoints.index()).all;
  let rate: number | undefined;
  let lastCancelCheck = 0;
  let stoppedBy: 'cancel' | 'shutdown' | undefined;
  let lastStep = latest?.lossHistory.at(-1);
  const progress = (step: number) => ({
    step,
    steps,
    loss: lastStep?.loss,
    activeTripletFraction: lastStep?.activeTripletFraction,
    etaSeconds: rate ? Math.round((steps - step) / rate) : undefined,
    stepsPerSecond: rate,
    evaluation: lastEvaluation ? trainingEvaluationSummary(lastEvaluation) : undefined,
    bestStep,
    checkpoints: checkpointList,
    ...(resumedFrom !== undefined ? { resumedFrom } : {}),
  });

  const result = await trainer.run({
    onStep: async (record: StepRecord) => {
      const stepsPerSecond = 1000 / Math.max(record.stepMs, 1e-3);
      rate = rate === undefined ? stepsPerSecond : 0.9 * rate + 0.1 * stepsPerSecond;
      lastStep = record;
      await records.appendHistory('training-run', id, historyOf([record], []));
      await records.update('training-run', id, { progress: progress(record.step) });
      await job.updateProgress({
        type: 'training-step',
        step: record.step,
        steps,
        loss: record.loss,
        activeTripletFraction: record.activeTripletFraction,
        positiveDistance: record.meanPositiveDistance,
        negativeDistance: record.meanNegativeDistance,
        embeddingSpread: record.embeddingSpread,
        stepsPerSecond: rate,
        memory: tensorMemory(),
      });
    },
    onEvaluation: async (record: EvaluationRecord) => {
      lastEvaluation = record;
      await records.appendHistory('training-run', id, historyOf([], [record]));
      await job.updateProgress({ type: 'training-evaluation', rocAuc: record.metrics.rocAuc, eer: record.metrics.eer });
    },
    onCheckpoint: async (checkpoint) => {
      const index = await checkpoints.save(checkpoint);
      bestStep = index.best?.step;
      checkpointList = index.all;
      await records.update('training-run', id, { progress: progress(checkpoint.step) });
      await job.updateProgress({ type: 'training-checkpoint', step: checkpoint.step });
    },
    shouldStop: async () => {
      if (await shutdownRequested()) {
        stoppedBy = 'shutdown';
        return true;
      }
      if (Date.now() - lastCancelCheck < 200) return false;
      lastCancelCheck = Date.now();
      if (await records.isCancelRequested('training-run', id)) stoppedBy = 'cancel';
      return stoppedBy !== undefined;
    },
  });
  trainer.dispose();

  if (result.status === 'collapsed') {
    await job.updateProgress({ type: 'training-collapse', reason: collapseReason(result.reason ?? '') });
    throw new UnrecoverableError(`training stopped by the collapse detector at step ${result.step}: ${result.reason}`);
  }
  await records.update('training-run', id, { progress: progress(result.step) });
  if (stoppedBy === 'shutdown') {
    // Not a failure of the run: the checkpoint is saved and another worker continues from it.
    await requeueForShutdown(job, token, `checkpoint saved at step ${result.step}, the run resumes from it`);
  }
  if (stoppedBy === 'cancel') return { cancelled: true, step: result.step };
  return {
    step: result.step,
    bestStep,
    evaluation: lastEvaluation ? trainingEvaluationSummary(lastEvaluation) : null,
  };
}

/** History entries in step order: each step, then the evaluation made at that step. */
function historyOf(steps: readonly StepRecord[], evaluations: readonly EvaluationRecord[]): unknown[] {
  const entries: { step: number; order: number; entry: unknown }[] = [
    ...steps.map((s) => ({ step: s.step, order: 0, entry: { type: 'step', ...s } })),
    ...evaluations.map((e) => ({ step: e.step, order: 1, entry: { type: 'evaluation', ...trainingEvaluationSummary(e) } })),
  ];
  return entries.sort((a, b) => a.step - b.step || a.order - b.order).map((e) => e.entry);
}

function collapseReason(reason: string): string {
  if (/nan|finite/i.test(reason)) return 'nan';
  if (/flat|margin/i.test(reason)) return 'flat-loss';
  return 'collapse';
}
