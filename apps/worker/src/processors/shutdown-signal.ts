import { SandboxedJob, WaitingError } from 'bullmq';
import { stoppingFlagKey } from '../stopping-flag';
import { processorContext } from './processor-context';

/**
 * A sandboxed child learns that its worker is shutting down from a Redis flag the worker sets
 * (`<prefix>:stopping:<host>:<worker pid>`), not from a signal: the queue library's child already
 * uses SIGTERM to mean "finish and exit", which would race with a job's own stop. Long jobs poll
 * the flag between steps, save their state and go back to the waiting list — without using up
 * an attempt — so another worker resumes them.
 */
let lastCheck = 0;
let stopping = false;

export async function shutdownRequested(): Promise<boolean> {
  if (stopping || Date.now() - lastCheck < 500) return stopping;
  lastCheck = Date.now();
  const { redis, config } = processorContext();
  stopping = (await redis.exists(stoppingFlagKey(config.redisPrefix, process.ppid))) === 1;
  return stopping;
}

/** Puts the job back in the queue and ends this run of it (BullMQ's WaitingError protocol). */
export async function requeueForShutdown(job: SandboxedJob, token: string | undefined, what: string): Promise<never> {
  if (token) {
    await job.moveToWait(token);
    throw new WaitingError();
  }
  throw new Error(`worker shutting down; ${what}`);
}
