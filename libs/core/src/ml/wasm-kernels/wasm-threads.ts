/**
 * Multi-threaded XNNPACK for the wasm backend under Node.
 *
 * tfjs-backend-wasm ships a threaded SIMD binary but never uses it in Node, for three reasons
 * this module works around, only while the backend initialises:
 *  1. the WASM_HAS_MULTITHREAD_SUPPORT flag is hard-wired to false when IS_NODE;
 *  2. Emscripten's pthread pool starts its workers from `blob:` URLs (the worker script and the
 *     main script are Blobs), which Node's worker_threads refuse. A Worker subclass starts the
 *     same worker script with `eval: true` and hands it the path of the package's threaded glue
 *     script instead of the Blob;
 *  3. the C++ side caps the pool at `navigator.hardwareConcurrency / 2` — in Node, half of
 *     `os.cpus().length` — which is 1 on a 2-core machine. `os.cpus()` reports 2× the wanted
 *     thread count while the module is created.
 * The backend factory registered by the package is wrapped, so all of this happens inside
 * `tf.setBackend('wasm')`, and the single-threaded binary is used if anything fails.
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import path from 'node:path';
import { Worker as NodeWorker, WorkerOptions } from 'node:worker_threads';

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

interface WasmPackage {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

let requestedThreads = 1;
let wrapped = false;
let lastError: string | undefined;

/**
 * Asks for `threads` XNNPACK threads the next time the wasm backend initialises. Returns false
 * when that is too late (the backend already exists) or the package is missing.
 */
export function requestWasmThreads(threads: number): boolean {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`wasm threads must be a positive integer, got ${threads}`);
  const engine = tf.engine();
  if (engine.registry['wasm'] !== undefined) return false;
  const entry = engine.registryFactory['wasm'];
  if (!entry && !loadWasmPackage()) return false;
  requestedThreads = threads;
  if (!wrapped && threads > 1) wrapBackendFactory();
  return true;
}

/** The XNNPACK thread count of the running wasm backend (1 before it starts or if threading failed). */
export function wasmThreadCount(): number {
  try {
    return loadWasmPackage()?.getThreadsCount() ?? 1;
  } catch {
    return 1;
  }
}

/** Why the threaded binary could not be started, if it was asked for and failed. */
export function wasmThreadsError(): string | undefined {
  return lastError;
}

function loadWasmPackage(): WasmPackage | undefined {
  try {
    return require(WASM_PACKAGE) as WasmPackage;
  } catch {
    return undefined;
  }
}

function wrapBackendFactory(): void {
  const engine = tf.engine();
  const entry = engine.registryFactory['wasm'];
  const wasm = loadWasmPackage();
  if (!entry || !wasm) return;
  const { factory, priority } = entry;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      if (requestedThreads <= 1) return factory();
      const restore = patchForThreads(requestedThreads, wasm);
      try {
        const backend = await factory();
        lastError = undefined;
        return backend;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      } finally {
        restore();
      }
      wasm.setThreadsCount(1);
      return factory();
    },
    priority,
  );
  wrapped = true;
}

/** Applies the three workarounds of the file comment; the returned function undoes the temporary ones. */
function patchForThreads(threads: number, wasm: WasmPackage): () => void {
  const env = tf.env();
  const hadFlag = env.getFlags()['WASM_HAS_MULTITHREAD_SUPPORT'];
  env.set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);

  const cpus = os.cpus;
  const fakeCpus = () => {
    const real = cpus();
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
  };
  os.cpus = fakeCpus;

  // Emscripten assigns `global.Worker = worker_threads.Worker` while it starts; keep ours instead.
  const workerClass = threadedWorkerClass();
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => workerClass,
    set: () => undefined,
  });

  return () => {
    os.cpus = cpus;
    if (hadFlag === undefined) env.set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else env.set('WASM_HAS_MULTITHREAD_SUPPORT', hadFlag);
    // Later pool growth goes through the same class, as Emscripten would through its own.
    Object.defineProperty(globalThis, 'Worker', { configurable: true, writable: true, value: workerClass });
  };
}

/** A worker_threads.Worker that can start the tfjs pthread workers Emscripten asks for by blob: URL. */
function threadedWorkerClass(): typeof NodeWorker {
  const wasmOut = path.join(path.dirname(require.resolve(`${WASM_PACKAGE}/package.json`)), 'wasm-out');
  const glue = path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The script is a template literal whose '\n' escapes became real newlines inside string
  // literals; re-escape them, as the package does before making its Blob.
  const script = wasmWorkerContents.replace(/\n/g, '\\n');

  return class TfjsPthreadWorker extends NodeWorker {
    constructor(file: string | URL, options?: WorkerOptions) {
      if (typeof file === 'string' && file.startsWith('blob:')) super(script, { ...options, eval: true });
      else super(file, options);
    }

    /**
     * Emscripten refs a worker while it runs a pthread, and XNNPACK's pool threads run for the
     * life of the process — which would keep Node from ever exiting. The main thread blocks in
     * wasm while the pool works, so the workers never need the event loop kept alive for them.
     */
    override ref(): void {
      // Deliberately left unreferenced (see above).
    }

    override postMessage(message: unknown, transfer?: Parameters<NodeWorker['postMessage']>[1]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      if (m && m.cmd === 'load' && typeof m.urlOrBlob !== 'string') {
        super.postMessage({ ...m, urlOrBlob: glue }, transfer);
      } else {
        super.postMessage(message, transfer);
      }
    }
  };
}
