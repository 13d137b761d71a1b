import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Runs a PyTorch reference script (bench/reference/*.py) with Debian's python3-torch and parses
 * its JSON. Undefined, with the reason printed, when PyTorch is not installed (`npm run bench`
 * installs it where it can).
 */
export function runPyTorchReference(script: string, args: string[]): Record<string, unknown> | undefined {
  const result = spawnSync('/usr/bin/python3', [path.resolve(__dirname, '../reference', script), ...args], {
    encoding: 'utf8',
    timeout: 30 * 60_000,
    // The reference runs on Debian's threaded OpenBLAS; the shell's OpenBLAS tuning vars are for numpy elsewhere.
    env: { ...process.env, OPENBLAS_CORETYPE: undefined, OPENBLAS_L2_SIZE: undefined },
  });
  if (result.status !== 0) {
    console.log(`PyTorch reference ${script} skipped: ${(result.stderr || result.error?.message || '').split('\n').filter(Boolean).slice(-1)[0]}`);
    return undefined;
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}
