/**
 * Trains the face embedding on AT&T subjects s1..s30 and reports held-out verification on
 * s31..s40 (all 4 950 pairs of their 100 images): ROC AUC, EER, TAR@FAR, steps/s, wall time.
 * Target: AUC ≥ 0.97 within 30 minutes on a 2-core CPU machine.
 *
 *   npx vitest run --config bench/face/vitest.config.ts att-library-train
 *
 * (`npm run eval` runs the same evaluation through the API: att-api-eval.bench-run.ts.)
 *
 * Environment (all optional): FACESTYLE_TF_BACKEND (default wasm), FACE_BENCH_WASM_THREADS
 * (XNNPACK threads; default: one per core), FACE_BENCH_STEPS,
 * FACE_BENCH_MAX_MINUTES (default 28: stop early and evaluate), FACE_BENCH_EVAL_EVERY,
 * FACE_BENCH_OPTIONS (JSON merged into the run options), FACE_BENCH_OVERRIDES (JSON
 * TrainingConfigOverrides), FACE_BENCH_LOG (also append progress lines to this file, since
 * vitest shows a test's output late), FACE_BENCH_SAVE_DIR (write the final checkpoint files
 * there), FACESTYLE_SHARED_DIR.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';

import { BACKEND_PREFERENCES, BackendPreference } from '../../libs/core/src/ml/backend/backend-preference';
import { startBackend } from '../../libs/core/src/ml/backend/start-backend';
import { encodeCheckpoint } from '../../libs/core/src/ml/face/checkpoint-codec';
import { EmbeddingTrainer } from '../../libs/core/src/ml/face/trainer';
import { pairDistances } from '../../libs/core/src/ml/face/evaluation';
import { loadAttFaces } from '../../libs/core/src/ml/face/testing/shared-data';
import { resolveTrainingConfig, TrainingConfigOverrides } from '../../libs/core/src/ml/face/training-config';
import { parseTrainingRunOptions } from '../../libs/core/src/ml/face/training-options';
import { verificationMetrics, VerificationMetrics } from '../../libs/core/src/ml/face/verification-metrics';
import { loadVggModel } from '../../libs/core/src/ml/style/vgg-loader';
import { vggBlock3ReadFile } from '../../libs/core/src/ml/style/testing/shared-data';

const env = process.env;

function log(line: string): void {
  console.log(line);
  if (env.FACE_BENCH_LOG) appendFileSync(env.FACE_BENCH_LOG, `${line}\n`);
}

async function initBenchBackend(): Promise<string> {
  const raw = env.FACESTYLE_TF_BACKEND ?? 'wasm';
  const preference = (BACKEND_PREFERENCES as readonly string[]).includes(raw) ? (raw as BackendPreference) : 'wasm';
  const info = await startBackend(preference, { wasmThreads: Number(env.FACE_BENCH_WASM_THREADS ?? 0) });
  return `${info.name} (${info.provider})`;
}

function describe(m: VerificationMetrics): string {
  return (
    `AUC ${m.rocAuc.toFixed(4)}  EER ${(m.eer * 100).toFixed(2)}%  ` +
    `TAR@FAR1e-2 ${(m.tarAtFar['1e-2'] * 100).toFixed(1)}%  TAR@FAR1e-3 ${(m.tarAtFar['1e-3'] * 100).toFixed(1)}%  ` +
    `acc ${(m.accuracy * 100).toFixed(2)}% @ ${m.threshold.toFixed(3)}`
  );
}

it('trains on AT&T s1..s30 and verifies s31..s40', async () => {
  const backend = await initBenchBackend();
  const options = parseTrainingRunOptions({
    steps: Number(env.FACE_BENCH_STEPS ?? 1500),
    evalEvery: Number(env.FACE_BENCH_EVAL_EVERY ?? 250),
    checkpointEvery: 1_000_000,
    validation: { identities: Array.from({ length: 10 }, (_, i) => `s${31 + i}`) },
    ...(env.FACE_BENCH_OPTIONS ? JSON.parse(env.FACE_BENCH_OPTIONS) : {}),
  });
  const overrides: TrainingConfigOverrides = env.FACE_BENCH_OVERRIDES ? JSON.parse(env.FACE_BENCH_OVERRIDES) : {};
  const config = resolveTrainingConfig(options, overrides);
  const maxMs = Number(env.FACE_BENCH_MAX_MINUTES ?? 28) * 60_000;

  const train = await loadAttFaces(config.preprocessing, 1, 30);
  const validation = await loadAttFaces(config.preprocessing, 31, 40);
  const raw = pairDistances(validation.map((s) => s.pixels), validation.map((s) => s.identity), 'euclidean');
  log(`backend ${backend}; raw-pixel baseline: ${describe(verificationMetrics(raw.same, raw.different))}`);
  log(`config ${JSON.stringify({ options, model: config.model, augmentation: config.augmentation, warmup: config.warmup })}`);

  const started = performance.now();
  const vgg = config.model.backbone === 'vgg19' ? await loadVggModel(vggBlock3ReadFile) : undefined;
  const trainer = EmbeddingTrainer.create(config, { train, validation }, vgg);
  vgg?.dispose();
  const initStarted = performance.now();
  await trainer.initialiseHeadIfPending();
  if (vgg) log(`backbone head initialised in ${((performance.now() - initStarted) / 1000).toFixed(1)} s; step-0 held-out: ${describe((await trainer.evaluate())!.metrics)}`);
  let trainingMs = 0;
  const result = await trainer.run({
    onStep: (r) => {
      trainingMs += r.stepMs;
      if (r.step % 50 === 0) {
        log(
          `step ${r.step} loss ${r.loss.toFixed(4)} ${r.mining} active ${r.activeTripletFraction.toFixed(3)} ` +
            `d+ ${r.meanPositiveDistance.toFixed(3)} d- ${r.meanNegativeDistance.toFixed(3)} ` +
            `spread ${r.embeddingSpread.toFixed(3)} ${r.stepMs.toFixed(0)} ms`,
        );
      }
    },
    onEvaluation: (e) => log(`eval @${e.step} (${((performance.now() - started) / 60_000).toFixed(1)} min): ${describe(e.metrics)}`),
    shouldStop: () => performance.now() - started > maxMs,
  });
  const final = result.lastEvaluation?.step === result.step ? result.lastEvaluation : await trainer.evaluate();
  const wallMs = performance.now() - started;
  const metrics = (final as NonNullable<typeof final>).metrics;
  log(
    `RESULT status ${result.status}${result.reason ? ` (${result.reason})` : ''}; steps ${result.step}; ` +
      `wall ${(wallMs / 60_000).toFixed(1)} min; ${(result.step / (trainingMs / 1000)).toFixed(2)} steps/s ` +
      `(${(trainingMs / result.step).toFixed(0)} ms/step, batch ${options.sampler.identitiesPerBatch}×${options.sampler.imagesPerIdentity}); ` +
      `held-out ${describe(metrics)}; tensors ${tf.memory().numTensors}`,
  );
  if (env.FACE_BENCH_SAVE_DIR) {
    mkdirSync(env.FACE_BENCH_SAVE_DIR, { recursive: true });
    const files = encodeCheckpoint(await trainer.checkpoint());
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(env.FACE_BENCH_SAVE_DIR, name), bytes);
  }
  trainer.dispose();
  expect(result.status).not.toBe('collapsed');
});
