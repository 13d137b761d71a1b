import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';

import { DEFAULT_TRAINING_OPTIONS, parseTrainingRunOptions } from './training-options';

describe('training run options', () => {
  it('fills every default from just the step count', () => {
    const options = parseTrainingRunOptions({ steps: 100 });
    expect(options).toEqual({ steps: 100, ...DEFAULT_TRAINING_OPTIONS });
    expect(options.loss.mining).not.toBe('batch-hard'); // the collapse-prone choice is never the default
  });

  it('keeps given values and fills the rest of a partial group', () => {
    const options = parseTrainingRunOptions({ steps: 5, loss: { mining: 'semi-hard', softMargin: true }, validation: { identities: 4 } });
    expect(options.loss).toEqual({ ...DEFAULT_TRAINING_OPTIONS.loss, mining: 'semi-hard', softMargin: true });
    expect(options.validation).toEqual({ identities: 4 });
    expect(parseTrainingRunOptions({ steps: 5, validation: { identities: ['s1', 's2'] } }).validation).toEqual({ identities: ['s1', 's2'] });
  });

  it('names the bad field', () => {
    const fieldOf = (input: unknown) => {
      try {
        parseTrainingRunOptions(input);
        return null;
      } catch (err) {
        return (err as ZodError).issues[0].path.join('.');
      }
    };
    expect(fieldOf({})).toBe('steps');
    expect(fieldOf({ steps: 1, loss: { mining: 'hardest' } })).toBe('loss.mining');
    expect(fieldOf({ steps: 1, model: { channels: 2 } })).toBe('model.channels');
    expect(fieldOf({ steps: 1, sampler: { imagesPerIdentity: 1 } })).toBe('sampler.imagesPerIdentity');
    expect(fieldOf({ steps: 1, optimizer: { learningRate: 0.001, momentum: 0.9 } })).toBe('optimizer');
  });
});
