import { describe, expect, it } from 'vitest';
import { initBackend } from './backend-choice';

describe('initBackend', () => {
  it('falls back past missing native packages and reports what it skipped', async () => {
    const info = await initBackend('auto');
    expect(['tensorflow', 'wasm', 'cpu']).toContain(info.name);
    if (info.name !== 'tensorflow') {
      expect(info.skipped.map((s) => s.candidate)).toEqual(['tensorflow-gpu', 'tensorflow']);
      expect(info.skipped[0].reason).toMatch(/not installed/);
    }
  });

  it('refuses an explicit backend that cannot start, naming it', async () => {
    await expect(initBackend('tensorflow-gpu')).rejects.toThrow(/tensorflow-gpu: @tensorflow\/tfjs-node-gpu is not installed/);
  });
});
