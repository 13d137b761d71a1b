import os from 'node:os';

/**
 * Redis key a worker sets while it shuts down; its sandboxed children (which know it as their
 * parent pid) poll it between steps. One key per worker process, expiring on its own.
 */
export function stoppingFlagKey(prefix: string, workerPid: number): string {
  return `${prefix}:stopping:${os.hostname()}:${workerPid}`;
}
