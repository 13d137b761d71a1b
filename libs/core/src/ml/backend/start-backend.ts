/**
 * The one entry point processes use to start TF.js: it loads Facestyle's extra kernels (so the
 * wasm backend can train and render fast) and applies the wasm thread count before choosing the backend.
 */
import { requestWasmThreads } from '../wasm-kernels';
import { BackendInfo, initBackend } from './backend-choice';
import { BackendPreference } from './backend-preference';

export { activeBackend, BackendInfo } from './backend-choice';

/**
 * @param wasmThreads XNNPACK threads for the wasm backend; 0 keeps the default (all cores). One
 *   thread per process is best when several workers share a machine.
 */
export async function startBackend(preference: BackendPreference, options: { wasmThreads?: number } = {}): Promise<BackendInfo> {
  if (options.wasmThreads) requestWasmThreads(options.wasmThreads);
  return initBackend(preference);
}
