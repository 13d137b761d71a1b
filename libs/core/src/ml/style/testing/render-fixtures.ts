/** Test fixtures for renders: the block3 VGG19 and decoded shared images (decoded once per test file). */
import * as tf from '@tensorflow/tfjs';
import { decodeImage } from '../image-io';
import { loadVggModel } from '../vgg-loader';
import { readSharedFile, vggBlock3ReadFile } from './shared-data';
import { initTestBackend } from './test-backend';

export interface RenderFixtures {
  vgg: tf.LayersModel;
  tubingen: tf.Tensor3D;
  starryNight: tf.Tensor3D;
  theScream: tf.Tensor3D;
}

export async function loadRenderFixtures(): Promise<RenderFixtures> {
  await initTestBackend();
  const [vgg, tubingen, starryNight, theScream] = await Promise.all([
    loadVggModel(vggBlock3ReadFile),
    readSharedFile('images', 'content', 'tubingen.jpg').then((b) => decodeImage(b)),
    readSharedFile('images', 'style', 'starry_night.jpg').then((b) => decodeImage(b)),
    readSharedFile('images', 'style', 'the_scream.jpg').then((b) => decodeImage(b)),
  ]);
  return { vgg, tubingen, starryNight, theScream };
}
