/**
 * Backend for the style tests and benchmarks: `FACESTYLE_TF_BACKEND` if set, else `auto`
 * (native TensorFlow when installed, then wasm). Facestyle's wasm gradient kernels are
 * registered first when that module is present.
 */
import { BackendInfo, initBackend } from '../../backend/backend-choice';
import { BACKEND_PREFERENCES, BackendPreference } from '../../backend/backend-preference';

export async function initTestBackend(): Promise<BackendInfo> {
  try {
    // A non-literal specifier, so this compiles before that module exists.
    const wasmKernels = '../../wasm-kernels';
    await import(wasmKernels);
  } catch {
    // Not there yet: the stock wasm kernels are used.
  }
  const raw = process.env.FACESTYLE_TF_BACKEND;
  const preference = (BACKEND_PREFERENCES as readonly string[]).includes(raw ?? '') ? (raw as BackendPreference) : 'auto';
  return initBackend(preference);
}
