import { describe, expect, it } from 'vitest';

import { decodeBinaryPgm, isBinaryPgm } from './pgm-decoder';

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe('decodeBinaryPgm', () => {
  it('reads an 8-bit P5 with a header comment', () => {
    const bytes = new Uint8Array([...ascii('P5\n# made by hand\n3 2\n255\n'), 0, 10, 20, 30, 40, 255]);
    expect(isBinaryPgm(bytes)).toBe(true);
    const image = decodeBinaryPgm(bytes);
    expect(image.width).toBe(3);
    expect(image.height).toBe(2);
    expect(Array.from(image.data)).toEqual([0, 10, 20, 30, 40, 255]);
  });

  it('rescales other maxvals and reads 16-bit big-endian samples', () => {
    // maxval 15: 15 → 255, 5 → 85.
    expect(Array.from(decodeBinaryPgm(new Uint8Array([...ascii('P5 2 1 15 '), 15, 5])).data)).toEqual([255, 85]);
    // maxval 1000, samples 1000 (0x03e8) and 500 (0x01f4) → 255 and 128 (127.5 rounded).
    const sixteen = new Uint8Array([...ascii('P5 2 1 1000\n'), 0x03, 0xe8, 0x01, 0xf4]);
    expect(Array.from(decodeBinaryPgm(sixteen).data)).toEqual([255, 128]);
  });

  it('refuses truncated or non-P5 input with a clear message', () => {
    expect(() => decodeBinaryPgm(new Uint8Array([...ascii('P5 4 4 255\n'), 1, 2, 3]))).toThrow(/truncated PGM: 4×4 needs 16/);
    expect(() => decodeBinaryPgm(new Uint8Array(ascii('P2 1 1 255 7')))).toThrow(/P5 magic/);
    expect(() => decodeBinaryPgm(new Uint8Array(ascii('P5 x 1 255 ')))).toThrow(/expected width/);
  });
});
