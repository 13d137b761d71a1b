/**
 * TF.js backend choice. `auto` prefers native TensorFlow (GPU, then CPU), then the
 * wasm backend with Facestyle's gradient kernels, then the pure-JS cpu backend.
 * The native packages are optional dependencies: their install downloads
 * libtensorflow, which fails on air-gapped machines, so a missing one is normal.
 */
import * as tf from '@tensorflow/tfjs';

import { BackendPreference } from './backend-preference';

export { BACKEND_PREFERENCES, BackendPreference } from './backend-preference';

export interface BackendInfo {
  /** The preference that was asked for. */
  requested: BackendPreference;
  /** The TF.js backend name now active (`tensorflow`, `wasm` or `cpu`). */
  name: string;
  /** The package or variant that provides it, e.g. `@tensorflow/tfjs-node-gpu` or `wasm+facestyle-kernels`. */
  provider: string;
  /** Why earlier candidates were skipped (missing package, failed init). */
  skipped: { candidate: BackendPreference; reason: string }[];
}

type Candidate = Exclude<BackendPreference, 'auto'>;
const AUTO_ORDER: Candidate[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

let active: BackendInfo | undefined;

/** Hook that installs extra kernels after the wasm backend is ready (set by the wasm-kernels module). */
let wasmKernelInstaller: (() => string) | undefined;
export function setWasmKernelInstaller(install: () => string): void {
  wasmKernelInstaller = install;
}

async function tryCandidate(candidate: Candidate): Promise<string> {
  switch (candidate) {
    case 'tensorflow-gpu':
      requireOptional('@tensorflow/tfjs-node-gpu');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tensorflow backend failed to initialise');
      return '@tensorflow/tfjs-node-gpu';
    case 'tensorflow':
      requireOptional('@tensorflow/tfjs-node');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('tensorflow backend failed to initialise');
      return '@tensorflow/tfjs-node';
    case 'wasm': {
      requireOptional('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to initialise');
      const variant = wasmKernelInstaller ? wasmKernelInstaller() : 'stock';
      return `@tensorflow/tfjs-backend-wasm (${variant})`;
    }
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed to initialise');
      return '@tensorflow/tfjs-backend-cpu';
  }
}

function requireOptional(name: string): void {
  try {
    require(name);
  } catch (err) {
    throw new Error(`${name} is not installed (${(err as Error).message.split('\n')[0]})`);
  }
}

/**
 * Activates the preferred backend (once per process; later calls return the same answer
 * unless a different explicit preference is asked for).
 */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  if (active && (active.requested === preference || preference === 'auto')) return active;
  const candidates = preference === 'auto' ? AUTO_ORDER : [preference];
  const skipped: BackendInfo['skipped'] = [];
  for (const candidate of candidates) {
    try {
      const provider = await tryCandidate(candidate);
      await tf.ready();
      active = { requested: preference, name: tf.getBackend(), provider, skipped };
      return active;
    } catch (err) {
      skipped.push({ candidate, reason: (err as Error).message });
    }
  }
  throw new Error(
    `no TF.js backend could be started for FACESTYLE_TF_BACKEND=${preference}: ` +
      skipped.map((s) => `${s.candidate}: ${s.reason}`).join('; '),
  );
}

/** The backend activated by `initBackend`, if any. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}
