import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTestBackend } from './testing/test-backend';
import { vggBlock3ReadFile } from './testing/shared-data';
import { expectNoTensorLeak } from './testing/tensor-leaks';
import { defaultFeatureLayers, MissingLayerError } from './vgg-layers';
import { createFeatureExtractor, loadVggModel } from './vgg-loader';

let vgg: tf.LayersModel;

beforeAll(async () => {
  await initTestBackend();
  vgg = await loadVggModel(vggBlock3ReadFile);
});

describe('defaultFeatureLayers', () => {
  it('uses block1..5_conv1 and block5_conv2 for the full VGG19', () => {
    const names = [1, 2, 3, 4, 5].flatMap((b) => [1, 2, 3, 4].map((c) => `block${b}_conv${c}`));
    expect(defaultFeatureLayers(names)).toEqual({
      content: ['block5_conv2'],
      style: [1, 2, 3, 4, 5].map((b) => ({ name: `block${b}_conv1`, weight: 1 })),
    });
  });
});

describe('loadVggModel + createFeatureExtractor (VGG19 up to block3)', () => {
  it('loads model.json and its 8 shards through readFile', () => {
    expect(vgg.layers.map((l) => l.name)).toContain('block3_conv4');
    expect(vgg.countParams()).toBe(2_325_568);
  });

  it('defaults to the deepest layers available: style block1..3_conv1, content block3_conv2', async () => {
    const extractor = createFeatureExtractor(vgg);
    expect(extractor.layers).toEqual({
      content: ['block3_conv2'],
      style: [
        { name: 'block1_conv1', weight: 1 },
        { name: 'block2_conv1', weight: 1 },
        { name: 'block3_conv1', weight: 1 },
      ],
    });
    const input = tf.randomUniform([1, 24, 32, 3], -120, 120, 'float32', 1) as tf.Tensor4D;
    await expectNoTensorLeak(async () => {
      const shapes = tf.tidy(() => {
        const f = extractor.extract(input);
        return { content: f.content.map((t) => t.shape), style: f.style.map((t) => t.shape), min: f.style[0].min().arraySync() };
      });
      expect(shapes.content).toEqual([[1, 6, 8, 256]]);
      expect(shapes.style).toEqual([
        [1, 24, 32, 64],
        [1, 12, 16, 128],
        [1, 6, 8, 256],
      ]);
      expect(shapes.min).toBeGreaterThanOrEqual(0); // post-ReLU
    });
    input.dispose();
  });

  it('takes per-job layers and style-layer weights', () => {
    const extractor = createFeatureExtractor(vgg, {
      contentLayers: ['block2_conv2'],
      styleLayers: ['block1_conv2', { name: 'block3_conv3', weight: 4 }],
    });
    expect(extractor.layers).toEqual({
      content: ['block2_conv2'],
      style: [
        { name: 'block1_conv2', weight: 1 },
        { name: 'block3_conv3', weight: 4 },
      ],
    });
  });

  it('names a missing layer, and says the model is truncated', () => {
    expect(() => createFeatureExtractor(vgg, { contentLayers: ['block5_conv2'] })).toThrow(MissingLayerError);
    expect(() => createFeatureExtractor(vgg, { contentLayers: ['block5_conv2'] })).toThrow(
      /content layer "block5_conv2" is not in the VGG19 model.*block3_conv4.*truncated/,
    );
    expect(() => createFeatureExtractor(vgg, { styleLayers: ['block2_conv9'] })).toThrow(/style layer "block2_conv9"/);
  });
});

describe('loadVggModel with a fixed-size model in a sub-folder, weights in two shards', () => {
  it('resolves shard paths next to model.json and re-chains the layers for any input size', async () => {
    const tiny = tf.sequential({
      layers: [
        tf.layers.conv2d({ name: 'block1_conv1', inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ name: 'block1_pool', poolSize: 2 }),
        tf.layers.conv2d({ name: 'block2_conv1', filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.conv2d({ name: 'block2_conv2', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.flatten({ name: 'flatten' }),
        tf.layers.dense({ name: 'fc1', units: 2 }),
      ],
    });
    const files = new Map<string, Uint8Array>();
    await tiny.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
        const half = 200;
        files.set('models/tiny/shard-a', data.slice(0, half));
        files.set('models/tiny/shard-b', data.slice(half));
        const modelJson = {
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['shard-a', 'shard-b'], weights: artifacts.weightSpecs }],
        };
        files.set('models/tiny/model.json', new TextEncoder().encode(JSON.stringify(modelJson)));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const read = async (p: string) => {
      const bytes = files.get(p);
      if (!bytes) throw new Error(`no such file ${p}`);
      return bytes;
    };
    const loaded = await loadVggModel(read, 'models/tiny/model.json');
    const extractor = createFeatureExtractor(loaded);
    expect(extractor.layers.content).toEqual(['block2_conv2']);

    const x8 = tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const x12 = tf.randomNormal([1, 12, 20, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const reference = tf.model({ inputs: tiny.inputs, outputs: tiny.getLayer('block2_conv1').output as tf.SymbolicTensor });
    const [same, shape] = tf.tidy(() => {
      const ours = extractor.extract(x8).style[1];
      const theirs = reference.predict(x8) as tf.Tensor;
      return [tf.max(tf.abs(tf.sub(ours, theirs))).arraySync() as number, extractor.extract(x12).content[0].shape];
    });
    expect(same).toBeLessThan(1e-5);
    expect(shape).toEqual([1, 6, 10, 6]);

    files.set('models/tiny/shard-b', files.get('models/tiny/shard-b')!.slice(4));
    await expect(loadVggModel(read, 'models/tiny/model.json')).rejects.toThrow(/shards hold \d+ bytes but the manifest needs \d+/);
    [x8, x12].forEach((t) => t.dispose());
    tiny.dispose();
    loaded.dispose();
  });
});
