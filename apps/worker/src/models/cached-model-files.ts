import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertSafeObjectKey, ObjectStore } from '@facestyle/core';

/** Reads one file of a TF.js model, by its path relative to model.json. */
export type ModelFileReader = (relativePath: string) => Promise<Uint8Array>;

/**
 * Serves a TF.js layers model's files (model.json and the weight shards it names) from
 * `models/<name>-<url hash>/` in storage, fetching each from `modelUrl` (`file://`, `http(s)://`)
 * the first time only — so a fleet of workers downloads the weights once.
 */
export function cachedModelFiles(modelUrl: string, store: ObjectStore, name: string): ModelFileReader {
  const prefix = `models/${name}-${createHash('sha256').update(modelUrl).digest('hex').slice(0, 16)}`;
  return async (relativePath) => {
    // Shard names come from model.json, which may come from anywhere: same checks as server keys.
    assertSafeObjectKey(relativePath);
    const key = `${prefix}/${relativePath}`;
    const cached = await store.stat(key);
    if (cached) return store.get(key);
    const bytes = await fetchModelFile(modelUrl, relativePath);
    await store.put(key, bytes);
    return bytes;
  };
}

async function fetchModelFile(modelUrl: string, relativePath: string): Promise<Buffer> {
  const url = new URL(relativePath, modelUrl);
  if (url.protocol === 'file:') {
    const file = fileURLToPath(url);
    const root = path.dirname(fileURLToPath(modelUrl));
    if (!file.startsWith(root + path.sep) && file !== path.join(root, relativePath)) throw new Error(`model file ${relativePath} is outside ${root}`);
    return fs.readFile(file);
  }
  // A bare "fetch failed" (no network, DNS, proxy) says nothing about what was fetched or how to fix it.
  const hint = 'set VGG19_MODEL_URL to a reachable http(s):// or file:// model.json';
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) }).catch((err: Error) => {
    const cause = (err.cause as Error | undefined)?.message;
    throw new Error(`cannot download model file ${url.href}: ${err.message}${cause ? ` (${cause})` : ''}; ${hint}`);
  });
  if (!response.ok) throw new Error(`GET ${url.href}: HTTP ${response.status}; ${hint}`);
  return Buffer.from(await response.arrayBuffer());
}
