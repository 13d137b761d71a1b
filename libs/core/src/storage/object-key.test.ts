import { describe, expect, it } from 'vitest';
import { assertSafeObjectKey, objectKey } from './object-key';

describe('object keys', () => {
  it('accepts server-made keys', () => {
    expect(objectKey('runs', 'r_1', 'checkpoints', 200, 'model.json')).toBe('runs/r_1/checkpoints/200/model.json');
    expect(() => assertSafeObjectKey('datasets/d1/images/s1/1.png')).not.toThrow();
  });
  it.each([
    ['', /empty/],
    ['../x', /"\.\."/],
    ['/etc/passwd', /absolute/],
    ['a\0b', /NUL/],
    ['a\\b', /backslash/],
    ['a/./b', /"\."/],
    ['x'.repeat(1025), /longer than 1024/],
    ['.hidden/x', /characters outside/],
  ])('rejects %j', (key, reason) => {
    expect(() => assertSafeObjectKey(key)).toThrow(reason);
  });
});
