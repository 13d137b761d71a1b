/**
 * Scale: N small render jobs with 1 and with 2 worker processes on this machine. Each worker runs
 * the wasm backend with one thread, so two processes use the two cores. Target: 2 workers give
 * ≥ 1.7× the throughput of 1.
 */
import { it } from 'vitest';
import { http, pollUntil, startTestStack } from '../../test/support/test-stack';
import { contentImage, renderForm, styleImage, vggBlock3Url } from '../../test/support/shared-files';
import { writeBenchResult } from '../support/bench-results';

const JOBS = Number(process.env.SCALE_JOBS ?? 8);
const options = { size: 96, iterations: 30, seed: 1 };

async function throughput(workers: number): Promise<{ seconds: number; jobsPerMinute: number }> {
  const stack = await startTestStack({ workers, env: { FACESTYLE_TF_BACKEND: 'wasm', FACESTYLE_WASM_THREADS: '1', VGG19_MODEL_URL: vggBlock3Url() } });
  try {
    // Warm-up: each worker loads VGG once (and the model cache in storage is filled).
    const warm = await Promise.all(Array.from({ length: workers }, () => http<{ id: string }>(`${stack.baseUrl}/v1/renders`, { method: 'POST', body: renderForm({ content: contentImage(), styles: [styleImage()], options: { ...options, iterations: 2 } }) })));
    for (const w of warm) await pollUntil(() => http<{ status: string }>(`${stack.baseUrl}/v1/renders/${w.body.id}`), (r) => r.body.status === 'completed', 300_000, 200);
    const started = performance.now();
    const ids = [];
    for (let i = 0; i < JOBS; i++) ids.push((await http<{ id: string }>(`${stack.baseUrl}/v1/renders`, { method: 'POST', body: renderForm({ content: contentImage(), styles: [styleImage()], options }) })).body.id);
    for (const id of ids) await pollUntil(() => http<{ status: string }>(`${stack.baseUrl}/v1/renders/${id}`), (r) => r.body.status === 'completed', 600_000, 200);
    const seconds = (performance.now() - started) / 1000;
    return { seconds: Number(seconds.toFixed(2)), jobsPerMinute: Number(((JOBS / seconds) * 60).toFixed(2)) };
  } finally {
    await stack.stop();
  }
}

it('worker scaling', async () => {
  const one = await throughput(1);
  const two = await throughput(2);
  const speedup = Number((two.jobsPerMinute / one.jobsPerMinute).toFixed(3));
  writeBenchResult('worker-scaling', { jobs: JOBS, renderOptions: options, oneWorker: one, twoWorkers: two, speedup, target: { speedup: 1.7, met: speedup >= 1.7 } });
});
