import { isSpace } from './image-format';

export interface GrayImage {
  width: number;
  height: number;
  /** Row-major 8-bit gray values. */
  pixels: Uint8Array;
}

/**
 * Decodes a PGM (P5 binary or P2 ASCII, maxval ≤ 255 or ≤ 65535 scaled to 8 bits), the format of
 * the original AT&T face set, which the image library does not read. Refuses truncated files and
 * dimensions over `maxPixels` before allocating.
 */
export function decodePgm(bytes: Uint8Array, maxPixels: number): GrayImage {
  let offset = 2;
  const header: number[] = [];
  while (header.length < 3) {
    while (offset < bytes.length && (isSpace(bytes[offset]) || bytes[offset] === 0x23)) {
      if (bytes[offset] === 0x23) while (offset < bytes.length && bytes[offset] !== 0x0a) offset++;
      else offset++;
    }
    let token = '';
    while (offset < bytes.length && !isSpace(bytes[offset])) token += String.fromCharCode(bytes[offset++]);
    if (!/^\d+$/.test(token)) throw new Error('PGM header is malformed');
    header.push(Number(token));
  }
  const [width, height, maxval] = header;
  if (width < 1 || height < 1) throw new Error('PGM has zero width or height');
  if (width * height > maxPixels) throw new Error(`image is ${width}×${height}, more than the ${maxPixels}-pixel limit`);
  if (maxval < 1 || maxval > 65535) throw new Error('PGM maxval is out of range');
  const pixels = new Uint8Array(width * height);
  if (bytes[1] === 0x35) {
    offset++; // the single whitespace byte after maxval
    const bytesPerSample = maxval > 255 ? 2 : 1;
    if (bytes.length - offset < width * height * bytesPerSample) throw new Error('PGM pixel data is truncated');
    for (let i = 0; i < pixels.length; i++) {
      const value = bytesPerSample === 1 ? bytes[offset + i] : (bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1];
      pixels[i] = Math.round((value * 255) / maxval);
    }
  } else {
    const text = Buffer.from(bytes.subarray(offset)).toString('ascii').trim().split(/\s+/);
    if (text.length < pixels.length) throw new Error('PGM pixel data is truncated');
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round((Number(text[i]) * 255) / maxval);
  }
  return { width, height, pixels };
}
