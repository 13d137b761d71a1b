/**
 * Sandboxed processor for `diagnostics-echo`: proves the path API → queue → worker → storage →
 * record. It writes `diagnostics/<id>.json` and returns where it put it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxedJob } from 'bullmq';
import { objectKey } from '@facestyle/core';
import { parseJobInput } from './job-input';
import { processorContext } from './processor-context';

export default async function processDiagnosticsEcho(job: SandboxedJob): Promise<{ key: string; bytes: number; cancelled?: boolean }> {
  const payload = parseJobInput('diagnostics-echo', job.data);
  const { store, records } = processorContext();
  if (payload.crash) process.exit(70);
  // Hold in small slices so a cancel request is honoured within ~100 ms.
  for (let waited = 0; waited < payload.holdMs; waited += 100) {
    if (await records.isCancelRequested('diagnostics', payload.id)) return { key: '', bytes: 0, cancelled: true };
    await sleep(Math.min(100, payload.holdMs - waited));
  }
  const key = objectKey('diagnostics', payload.tenant, `${payload.id}.json`);
  const body = Buffer.from(JSON.stringify({ id: payload.id, message: payload.message, attempt: job.attemptsMade + 1, pid: process.pid }));
  await store.put(key, body, { contentType: 'application/json' });
  await job.updateProgress(100);
  return { key, bytes: body.length };
}
