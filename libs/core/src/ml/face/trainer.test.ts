import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { FaceSample } from './face-sample';
import { initFaceTestBackend } from './testing/test-backend';
import { tinyTrainingConfig, tinyTrainingData } from './testing/tiny-training';
import { TrainingCheckpoint } from './training-checkpoint';
import { EmbeddingTrainer } from './trainer';

let data: { train: FaceSample[]; validation: FaceSample[] };

beforeAll(async () => {
  await initFaceTestBackend();
  data = await tinyTrainingData(tinyTrainingConfig());
});

const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe('EmbeddingTrainer', () => {
  it('trains, reports steps, evaluations and checkpoints, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const trainer = EmbeddingTrainer.create(tinyTrainingConfig(), data);
    const steps: number[] = [];
    const evaluations: number[] = [];
    const checkpoints: number[] = [];
    const result = await trainer.run({
      onStep: (r) => {
        steps.push(r.step);
        expect(Number.isFinite(r.loss)).toBe(true);
        expect(r.mining).toBe('batch-all');
      },
      onEvaluation: (e) => {
        evaluations.push(e.step);
        expect(e.metrics.samePairs).toBe(3 * 45);
      },
      onCheckpoint: (c) => {
        checkpoints.push(c.step);
      },
    });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    expect(evaluations).toEqual([3, 6]);
    expect(checkpoints).toEqual([2, 4, 6]);
    expect(result).toMatchObject({ status: 'completed', reason: null, step: 6 });
    expect(result.checkpoint?.threshold).toBe(result.lastEvaluation?.metrics.threshold);
    expect(result.checkpoint?.lossHistory).toHaveLength(6);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumed from a checkpoint, reaches the same weights and losses as an uninterrupted run', async () => {
    const config = tinyTrainingConfig({ steps: 6 });
    const straight = EmbeddingTrainer.create(config, data);
    await straight.run();

    const first = EmbeddingTrainer.create(config, data);
    const stopped = await first.run({ shouldStop: () => first.step === 3 });
    expect(stopped.status).toBe('stopped');
    const checkpoint = stopped.checkpoint as TrainingCheckpoint;
    expect(checkpoint.step).toBe(3);
    first.dispose();

    const resumed = await EmbeddingTrainer.resume(structuredClone(checkpoint), data);
    const result = await resumed.run();
    expect(result.step).toBe(6);
    expect(resumed.lossHistory.map((r) => r.loss)).toEqual(straight.lossHistory.map((r) => r.loss));
    const a = weightsOf(straight.model).flat();
    const b = weightsOf(resumed.model).flat();
    const maxDiff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(maxDiff).toBeLessThan(1e-6);
    straight.dispose();
    resumed.dispose();
  });

  it('refuses to resume with different training data', async () => {
    const trainer = EmbeddingTrainer.create(tinyTrainingConfig({ steps: 1 }), data);
    const { checkpoint } = await trainer.run();
    trainer.dispose();
    await expect(EmbeddingTrainer.resume(checkpoint as TrainingCheckpoint, { ...data, train: data.train.slice(1) })).rejects.toThrow(
      /resume needs the training data of the checkpoint/,
    );
  });

  it('keeps the event loop turning between steps', async () => {
    const trainer = EmbeddingTrainer.create(tinyTrainingConfig({ steps: 4 }), { train: data.train, validation: [] });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let ticksAtSteps: number[] = [];
    await trainer.run({ onStep: () => void (ticksAtSteps = [...ticksAtSteps, ticks]) });
    clearInterval(timer);
    // A timer fired between every two consecutive steps.
    for (let i = 1; i < ticksAtSteps.length; i++) expect(ticksAtSteps[i]).toBeGreaterThan(ticksAtSteps[i - 1]);
    trainer.dispose();
  });

  it('stops a collapsed run and says why', async () => {
    // A spread floor above any possible spread makes every step look collapsed.
    const config = tinyTrainingConfig({ steps: 10 }, { collapse: { window: 2, spreadFloor: 10 } });
    const trainer = EmbeddingTrainer.create(config, data);
    const result = await trainer.run();
    expect(result).toMatchObject({ status: 'collapsed', step: 2, checkpoint: null });
    expect(result.reason).toMatch(/collapsed to one point/);
    trainer.dispose();
  });

  it('warms a batch-hard run up with batch-all', async () => {
    const config = tinyTrainingConfig({ steps: 3, loss: { mining: 'batch-hard' } }, { warmup: { steps: 2 } });
    const trainer = EmbeddingTrainer.create(config, { train: data.train, validation: [] });
    const mining: string[] = [];
    await trainer.run({ onStep: (r) => void mining.push(r.mining) });
    expect(mining).toEqual(['batch-all', 'batch-all', 'batch-hard']);
    trainer.dispose();
  });

  it('rejects images of the wrong size before training', () => {
    const bad = [...data.train, { identity: 'x', pixels: new Float32Array(5) }];
    expect(() => EmbeddingTrainer.create(tinyTrainingConfig(), { train: bad, validation: [] })).toThrow(/expected 16×16×1/);
  });
});
