import { SandboxedJob, WaitingError } from 'bullmq';

/**
 * A sandboxed child learns that its worker is shutting down from SIGTERM (the worker passes it
 * on to its children): long jobs then stop at the next step, save their state, and go back to
 * the waiting list — without using up an attempt — so another worker resumes them.
 */
let requested = false;
process.on('SIGTERM', () => {
  requested = true;
});

export function shutdownRequested(): boolean {
  return requested;
}

/** Puts the job back in the queue and ends this run of it (BullMQ's WaitingError protocol). */
export async function requeueForShutdown(job: SandboxedJob, token: string | undefined, what: string): Promise<never> {
  if (token) {
    await job.moveToWait(token);
    throw new WaitingError();
  }
  throw new Error(`worker shutting down; ${what}`);
}
