/** Shared steps of the inference tests: AT&T images, multipart forms, a trained run. */
import fs from 'node:fs';
import path from 'node:path';
import { buildTarGz, folderEntries } from '../../libs/core/src/datasets/testing/archive-builders';
import { attFacesDir } from '../../libs/core/src/testing/shared-data';
import { http, pollUntil } from '../support/test-stack';

/** Bytes of AT&T image `s<subject>/<image>.png`. */
export function attFace(subject: number, image: number): Buffer {
  return fs.readFileSync(path.join(attFacesDir(), `s${subject}`, `${image}.png`));
}

/** A multipart body: each field gets one file, or several for an array. */
export function faceForm(fields: Record<string, Buffer | Buffer[]>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const [i, bytes] of (Array.isArray(value) ? value : [value]).entries()) form.append(name, new Blob([bytes]), `${name}-${i}.png`);
  }
  return form;
}

/** A .tar.gz of `s<n>/<image>` entries for AT&T subjects from..to. */
export function attArchive(from: number, to: number): Promise<Buffer> {
  const identities = Array.from({ length: to - from + 1 }, (_, i) => `s${from + i}`);
  return buildTarGz(folderEntries(attFacesDir(), identities));
}

export interface TrainedRun {
  id: string;
  bestStep: number;
  checkpoints: number[];
  evaluations: { step: number; rocAuc: number; threshold: number }[];
}

/** Submits a training run and waits until it completes; fails the test on any other ending. */
export async function trainRun(baseUrl: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 300_000): Promise<TrainedRun> {
  const submitted = await http<{ id: string; message?: string }>(`${baseUrl}/v1/training-runs`, { method: 'POST', json: body, headers });
  if (submitted.status !== 202) throw new Error(`training run refused: ${submitted.status} ${submitted.body.message}`);
  const id = submitted.body.id;
  const done = await pollUntil(
    () => http<{ status: string; error?: string; bestStep: number; checkpoints: { step: number }[] }>(`${baseUrl}/v1/training-runs/${id}`, { headers }),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.body.status),
    timeoutMs,
    500,
  );
  if (done.body.status !== 'completed') throw new Error(`training run ${id} ended ${done.body.status}: ${done.body.error}`);
  const metrics = await http<{ evaluations: TrainedRun['evaluations'] }>(`${baseUrl}/v1/training-runs/${id}/metrics`, { headers });
  return { id, bestStep: done.body.bestStep, checkpoints: done.body.checkpoints.map((c) => c.step), evaluations: metrics.body.evaluations };
}

/** POST a multipart form and parse the JSON answer. */
export function postForm<T = Record<string, unknown>>(url: string, form: FormData, headers: Record<string, string> = {}) {
  return http<T & { message?: string }>(url, { method: 'POST', body: form, headers });
}
