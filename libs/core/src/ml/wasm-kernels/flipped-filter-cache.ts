/**
 * The flipped filter W'[a',b',o,c] = W[f_h−1−a', f_w−1−b', c, o] that Conv2DBackpropInput convolves
 * with (see conv2d-backprop-input.ts), kept from one call to the next while W is alive.
 *
 * Why: the stock Conv2D caches its XNNPACK operator and packed weights by the filter's buffer, so
 * a freshly flipped copy on every call made XNNPACK re-create the operator and re-pack the weights
 * every time, although VGG's filters never change during a render. Measured on a small dy, where
 * that overhead shows: [1, 12, 16, 256] with a [3, 3, 256, 256] filter 13.8 → 7.8 ms a call; with
 * [1, 24, 32, 128] and [3, 3, 128, 128], 9.7 → 8.2 ms.
 *
 * Why the cache is correct: TF.js buffers (dataIds) are immutable and never reused — an updated
 * variable gets a new one — so while the source buffer is alive, its flipped copy stays right.
 * Several tensors may share one buffer with different shapes (Reshape), so each entry also
 * records the shape it was flipped for. Every lookup first frees the copies of buffers the
 * backend no longer holds; the cache is bounded, least recently used out first.
 */
import { TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, BackendWasm, dispose, f32 } from './wasm-kernel-context';

/** More filters than a VGG19 (16 convolutions) or the face models use at once. */
const MAX_ENTRIES = 64;

type DataId = TensorInfo['dataId'];

interface Entry {
  shape: readonly number[];
  flipped: TensorInfo;
}

/** Per backend instance; a Map iterates in insertion order, so its first entry is the least recently used. */
const caches = new WeakMap<BackendWasm, Map<DataId, Entry>>();

/**
 * W' for `filter`, owned by the cache: the caller must neither dispose it nor return it from a
 * kernel.
 */
export function cachedFlippedFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  let cache = caches.get(backend);
  if (!cache) {
    cache = new Map();
    caches.set(backend, cache);
  }
  freeStaleEntries(backend, cache);
  const hit = cache.get(filter.dataId);
  if (hit) {
    cache.delete(filter.dataId);
    if (sameShape(hit.shape, filter.shape)) {
      cache.set(filter.dataId, hit); // now the most recently used
      return hit.flipped;
    }
    dispose(backend, hit.flipped);
  }
  for (const [source, entry] of cache) {
    if (cache.size < MAX_ENTRIES) break;
    dispose(backend, entry.flipped);
    cache.delete(source);
  }
  const flipped = flipFilter(backend, filter);
  cache.set(filter.dataId, { shape: [...filter.shape], flipped });
  return flipped;
}

/** Frees every cached copy on `backend` (tests that count buffers, and uninstalling the kernels). */
export function clearFlippedFilterCache(backend: BackendWasm): void {
  const cache = caches.get(backend);
  if (!cache) return;
  for (const entry of cache.values()) dispose(backend, entry.flipped);
  cache.clear();
}

/** How many flipped copies `backend` holds (for tests). */
export function flippedFilterCacheSize(backend: BackendWasm): number {
  return caches.get(backend)?.size ?? 0;
}

/** Frees the copies whose source buffer is gone (disposed, or moved to another backend). */
function freeStaleEntries(backend: BackendWasm, cache: Map<DataId, Entry>): void {
  for (const [source, entry] of cache) {
    if (backend.dataIdMap.has(source)) continue;
    dispose(backend, entry.flipped);
    cache.delete(source);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** W'[a',b',o,c] = W[f_h−1−a', f_w−1−b', c, o]: spatial flip plus swap of the channel axes. */
function flipFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [fh, fw, ci, co] = filter.shape;
  const out = allocate(backend, [fh, fw, co, ci]);
  const src = f32(backend, filter);
  const dst = f32(backend, out);
  const tap = ci * co;
  for (let a = 0; a < fh; a++) {
    for (let b = 0; b < fw; b++) {
      const from = (a * fw + b) * tap;
      const to = ((fh - 1 - a) * fw + (fw - 1 - b)) * tap;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) dst[to + o * ci + c] = src[from + c * co + o];
      }
    }
  }
  return out;
}
