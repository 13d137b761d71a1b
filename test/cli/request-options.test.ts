import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../apps/cli/src/framework/exit-codes';
import { renderOptionsFrom } from '../../apps/cli/src/options/render-request';
import { trainingRequestFrom } from '../../apps/cli/src/options/training-request';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facestyle-cli-options-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const full = path.join(dir, name);
  fs.writeFileSync(full, text);
  return full;
};

describe('training run request from -f and flags', () => {
  it('maps flags to the nested request fields', () => {
    const request = trainingRequestFrom({ dataset: 'ds_x', steps: '100', mining: 'semi-hard', margin: '0.3', lr: '5e-4', 'input-size': '32', 'embedding-dim': '16', 'identities-per-batch': '4', 'images-per-identity': '3', 'eval-every': '10', 'checkpoint-every': '20', seed: '9', priority: '2' });
    expect(request).toEqual({
      datasetId: 'ds_x',
      steps: 100,
      loss: { mining: 'semi-hard', margin: 0.3 },
      optimizer: { learningRate: 5e-4 },
      model: { inputSize: 32, embeddingDim: 16 },
      sampler: { identitiesPerBatch: 4, imagesPerIdentity: 3 },
      evalEvery: 10,
      checkpointEvery: 20,
      seed: 9,
      priority: 2,
    });
  });

  it('reads YAML or JSON and lets flags override single fields, keeping the file’s siblings', () => {
    const yaml = file('run.yaml', 'datasetId: ds_file\nsteps: 500\nloss: { margin: 0.2, distance: cosine }\nvalidation: { identities: 2 }\n');
    expect(trainingRequestFrom({ file: yaml, margin: '0.5', steps: '3' })).toEqual({ datasetId: 'ds_file', steps: 3, loss: { margin: 0.5, distance: 'cosine' }, validation: { identities: 2 } });
    const json = file('run.json', '{"steps": 7, "seed": 1}');
    expect(trainingRequestFrom({ f: undefined, file: json, dataset: 'ds_flag' })).toEqual({ steps: 7, seed: 1, datasetId: 'ds_flag' });
  });

  it('refuses what is not a number, a missing file and a file that is not an object, as usage errors', () => {
    expect(() => trainingRequestFrom({ steps: 'ten' })).toThrow(UsageError);
    expect(() => trainingRequestFrom({ steps: 'ten' })).toThrow('--steps: "ten" is not a number');
    expect(() => trainingRequestFrom({ file: path.join(dir, 'missing.json') })).toThrow(/cannot read options file .*ENOENT/);
    expect(() => trainingRequestFrom({ file: file('list.json', '[1,2]') })).toThrow(/must hold an object/);
    expect(() => trainingRequestFrom({ file: file('bad.yaml', 'steps: [') })).toThrow(/is not valid YAML/);
  });

  it('leaves range checks to the API (its message names the field)', () => {
    expect(trainingRequestFrom({ steps: '-1.5' })).toEqual({ steps: -1.5 });
  });
});

describe('render options from -f and flags', () => {
  it('maps flags to option names and overrides the file', () => {
    const json = file('render.json', JSON.stringify({ size: 512, styleWeight: 0.01, styleBlendWeights: [1, 2] }));
    expect(renderOptionsFrom({ file: json, size: '64', iterations: '10', 'content-weight': '2', 'tv-weight': '0', lr: '4', init: 'random', 'preserve-colors': true, 'style-scale': '1.5', seed: '3', 'preview-every': '5' })).toEqual({
      size: 64,
      iterations: 10,
      contentWeight: 2,
      styleWeight: 0.01,
      tvWeight: 0,
      learningRate: 4,
      init: 'random',
      preserveColors: true,
      styleScale: 1.5,
      seed: 3,
      previewEvery: 5,
      styleBlendWeights: [1, 2],
    });
  });
});
