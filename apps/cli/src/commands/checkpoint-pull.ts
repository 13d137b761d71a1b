import fs from 'node:fs';
import path from 'node:path';
import type { ApiClient } from '../api/api-client';
import type { TrainingRunView } from '../api/resources';
import { CliError, ExitCode, UsageError } from '../framework/exit-codes';

/** TF.js names weight files in `weightsManifest[].paths`; only plain file names are safe to write locally. */
const SAFE_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

export interface PulledCheckpoint {
  runId: string;
  step: number;
  dir: string;
  files: { name: string; bytes: number }[];
}

/**
 * Resolves `latest`/`best` to a step number before downloading, so model.json and its weights all
 * come from the same checkpoint even if the run writes a new one meanwhile.
 */
export function resolveCheckpointStep(run: TrainingRunView, which: string): number {
  if (/^\d+$/.test(which)) {
    const step = Number(which);
    if (!run.checkpoints.some((c) => c.step === step)) {
      const known = run.checkpoints.map((c) => c.step).join(', ') || 'none yet';
      throw new CliError(`training run ${run.id} has no checkpoint at step ${step} (checkpoints: ${known})`, ExitCode.NotFound);
    }
    return step;
  }
  if (which === 'latest') {
    if (run.checkpoints.length === 0) throw new CliError(`training run ${run.id} has no checkpoint yet (status ${run.status})`, ExitCode.NotFound);
    return Math.max(...run.checkpoints.map((c) => c.step));
  }
  if (which === 'best') {
    if (run.bestStep === null) throw new CliError(`training run ${run.id} has no evaluated checkpoint yet (status ${run.status})`, ExitCode.NotFound);
    return run.bestStep;
  }
  throw new UsageError(`--step: expected a step number, latest or best; got "${which}"`);
}

/** Downloads model.json and every weight file it names into `dir`, for `tf.loadLayersModel('file://<dir>/model.json')`. */
export async function pullCheckpoint(api: ApiClient, runId: string, which: string, dir: string): Promise<PulledCheckpoint> {
  const run = await api.get<TrainingRunView>(`/v1/training-runs/${encodeURIComponent(runId)}`);
  const step = resolveCheckpointStep(run, which);
  const base = `/v1/training-runs/${encodeURIComponent(runId)}/checkpoints/${step}`;
  // Kept as text and written verbatim: the file on disk is exactly the one the API serves.
  const modelText = await (await api.request('GET', `${base}/model.json`)).text();
  let modelJson: { weightsManifest?: { paths?: unknown[] }[] };
  try {
    modelJson = JSON.parse(modelText) as typeof modelJson;
  } catch {
    throw new CliError(`model.json of ${runId} at step ${step} is not JSON`, ExitCode.JobFailed);
  }
  const weightFiles = [...new Set((modelJson.weightsManifest ?? []).flatMap((group) => group.paths ?? []))];
  for (const name of weightFiles) {
    if (typeof name !== 'string' || !SAFE_FILE.test(name)) throw new CliError(`model.json names a weight file "${String(name)}" that is not a plain file name; refusing to write it`, ExitCode.JobFailed);
  }
  fs.mkdirSync(dir, { recursive: true });
  const files: PulledCheckpoint['files'] = [];
  for (const name of weightFiles as string[]) files.push({ name, bytes: await api.download(`${base}/${name}`, path.join(dir, name)) });
  // model.json last: a folder with model.json is a complete one, as with the API's latest.json.
  fs.writeFileSync(path.join(dir, 'model.json'), modelText);
  files.unshift({ name: 'model.json', bytes: Buffer.byteLength(modelText) });
  return { runId, step, dir, files };
}
