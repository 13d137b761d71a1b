/**
 * The VGG19 a worker process uses for renders and for pretrained-backbone training runs: loaded
 * once per process from VGG19_MODEL_URL through the storage cache (cached-model-files.ts) and
 * kept, since every render needs it and a load reads ~40 MB of weights.
 */
import * as tf from '@tensorflow/tfjs';
import { loadVggModel } from '@facestyle/core';
import { processorContext } from '../processors/processor-context';
import { cachedModelFiles } from './cached-model-files';

let loaded: { url: string; model: tf.LayersModel } | undefined;

/** The VGG19 at `url`, loaded on first use (a different URL replaces the loaded one). */
export async function vggModel(url: string): Promise<tf.LayersModel> {
  if (loaded?.url !== url) {
    loaded?.model.dispose();
    const { store } = processorContext();
    loaded = { url, model: await loadVggModel(cachedModelFiles(url, store, 'vgg19')) };
  }
  return loaded.model;
}
