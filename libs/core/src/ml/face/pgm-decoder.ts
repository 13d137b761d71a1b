/**
 * Decoder for binary greyscale PGM (netpbm `P5`), the format of the original AT&T/ORL
 * face files. libvips in the prebuilt sharp binaries does not read PGM, so it is parsed here.
 */

export interface DecodedGreyImage {
  width: number;
  height: number;
  /** One byte per pixel, row-major, 0..255 (16-bit files are scaled down). */
  data: Uint8Array;
}

/** True when the bytes start with the `P5` magic number. */
export function isBinaryPgm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 /* P */ && bytes[1] === 0x35 /* 5 */;
}

/**
 * Parses `P5 <width> <height> <maxval>` (whitespace-separated, `#` comments allowed in the
 * header) followed by one whitespace byte and width·height samples of 1 byte (maxval < 256)
 * or 2 big-endian bytes. Samples are rescaled to 0..255.
 */
export function decodeBinaryPgm(bytes: Uint8Array): DecodedGreyImage {
  if (!isBinaryPgm(bytes)) throw new Error('not a binary PGM: missing the P5 magic number');
  let pos = 2;
  const readHeaderNumber = (name: string): number => {
    for (;;) {
      while (pos < bytes.length && isWhitespace(bytes[pos])) pos++;
      if (bytes[pos] !== 0x23 /* # */) break;
      while (pos < bytes.length && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
    }
    const start = pos;
    while (pos < bytes.length && bytes[pos] >= 0x30 && bytes[pos] <= 0x39) pos++;
    if (pos === start) throw new Error(`invalid PGM header: expected ${name}`);
    return Number(String.fromCharCode(...bytes.subarray(start, pos)));
  };
  const width = readHeaderNumber('width');
  const height = readHeaderNumber('height');
  const maxval = readHeaderNumber('maxval');
  if (width < 1 || height < 1) throw new Error(`invalid PGM size ${width}×${height}`);
  if (maxval < 1 || maxval > 65535) throw new Error(`invalid PGM maxval ${maxval}`);
  if (!isWhitespace(bytes[pos])) throw new Error('invalid PGM header: no whitespace before the pixel data');
  pos++;
  const bytesPerSample = maxval < 256 ? 1 : 2;
  const needed = width * height * bytesPerSample;
  if (bytes.length - pos < needed) {
    throw new Error(`truncated PGM: ${width}×${height} needs ${needed} pixel bytes, found ${bytes.length - pos}`);
  }
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const sample = bytesPerSample === 1 ? bytes[pos + i] : (bytes[pos + 2 * i] << 8) | bytes[pos + 2 * i + 1];
    data[i] = Math.round((Math.min(sample, maxval) * 255) / maxval);
  }
  return { width, height, data };
}

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0b || byte === 0x0c;
}
