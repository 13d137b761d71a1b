/**
 * A `tf.io.IOHandler` that loads a TF.js layers model (model.json plus the weight shards it names)
 * through an injected `readFile`, so the same code serves a `file://` folder, http(s) or a
 * storage cache. Shard paths are resolved relative to model.json's folder.
 */
import * as tf from '@tensorflow/tfjs';
import path from 'node:path';

/** Reads one file of a model by its path relative to the model's root (e.g. `model.json`, `group1-shard1of1`). */
export type ReadModelFile = (relativePath: string) => Promise<Uint8Array>;

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };

export function readFileIOHandler(readFile: ReadModelFile, modelJsonPath = 'model.json'): tf.io.IOHandler {
  const folder = path.posix.dirname(modelJsonPath);
  const resolve = (p: string) => (folder === '.' ? p : path.posix.join(folder, p));
  return {
    load: async () => {
      const text = new TextDecoder().decode(await readFile(modelJsonPath));
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(text) as tf.io.ModelJSON;
      } catch (err) {
        throw new Error(`${modelJsonPath} is not valid JSON: ${(err as Error).message}`);
      }
      if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
        throw new Error(`${modelJsonPath} is not a TF.js layers model (needs modelTopology and weightsManifest)`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const shards: Uint8Array[] = [];
        for (const group of manifest) {
          for (const shardPath of group.paths) shards.push(await readFile(resolve(shardPath)));
        }
        const data = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
        let offset = 0;
        for (const shard of shards) {
          data.set(shard, offset);
          offset += shard.byteLength;
        }
        const expected = expectedWeightBytes(specs);
        if (expected !== undefined && expected !== data.byteLength) {
          throw new Error(
            `${modelJsonPath}: the weight shards hold ${data.byteLength} bytes but the manifest needs ${expected} (truncated or wrong files?)`,
          );
        }
        return [specs, data.buffer];
      });
    },
  };
}

/** Bytes the manifest's weights occupy, or undefined when quantised or of an unknown dtype. */
function expectedWeightBytes(specs: tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const bytes = DTYPE_BYTES[spec.dtype];
    if (spec.quantization || bytes === undefined) return undefined;
    total += bytes * spec.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}
