// The model's input from an image file, in the browser, following the checkpoint's
// `userDefinedMetadata.preprocessing` and the server's pipeline (libs/core/src/ml/face/face-preprocessing.ts):
//   decode (EXIF orientation applied) → flatten transparency onto black → resize so the image covers
//   inputSize × inputSize (Lanczos-3, widened when shrinking) and crop the centre → grey (luminance
//   in linear light) or RGB → normalise:
//     per-image-standardization: (x − mean) / max(std, 1/√N)  (as tf.image.per_image_standardization)
//     symmetric-unit-range:      x / 127.5 − 1
// The server decodes and resamples with libvips, so the two inputs can differ by a grey level here and there.

/** @returns {Promise<{pixels: Float32Array, samples: Uint8ClampedArray, width: number, height: number}>} */
export async function preprocessFaceImage(blob, spec) {
  const { inputSize, channels, normalization } = spec;
  if (!(inputSize > 0) || (channels !== 1 && channels !== 3)) throw new Error(`unsupported preprocessing ${JSON.stringify(spec)}`);
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.fillStyle = '#000';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;

  // Cover: the shorter side becomes inputSize, then the centre square is kept (an odd excess
  // is cut one pixel more at the top/left, as libvips' centre gravity does).
  const scale = Math.max(inputSize / width, inputSize / height);
  const coverWidth = Math.max(inputSize, Math.round(width * scale));
  const coverHeight = Math.max(inputSize, Math.round(height * scale));
  const left = Math.ceil((coverWidth - inputSize) / 2);
  const top = Math.ceil((coverHeight - inputSize) / 2);

  const planes = [0, 1, 2].map((c) => {
    const plane = new Float32Array(width * height);
    for (let i = 0; i < plane.length; i++) plane[i] = rgba[i * 4 + c];
    return resample(plane, width, height, coverWidth, coverHeight, left, top, inputSize);
  });

  const count = inputSize * inputSize;
  const samples = new Uint8ClampedArray(count * channels);
  for (let i = 0; i < count; i++) {
    if (channels === 3) {
      for (let c = 0; c < 3; c++) samples[i * 3 + c] = Math.round(planes[c][i]);
    } else {
      samples[i] = Math.round(luminance(planes[0][i], planes[1][i], planes[2][i]));
    }
  }
  return { pixels: normalizePixels(samples, normalization), samples, width, height };
}

/** 0..255 samples → the model's input scale. */
export function normalizePixels(samples, normalization) {
  const out = new Float32Array(samples.length);
  if (normalization === 'symmetric-unit-range') {
    for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 127.5 - 1;
    return out;
  }
  if (normalization !== 'per-image-standardization') throw new Error(`unknown normalization ${normalization}`);
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i];
  const mean = sum / samples.length;
  let squares = 0;
  for (let i = 0; i < samples.length; i++) squares += (samples[i] - mean) ** 2;
  const std = Math.max(Math.sqrt(squares / samples.length), 1 / Math.sqrt(samples.length));
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i] - mean) / std;
  return out;
}

// sRGB ⇄ linear light, for the grey conversion (Rec. 709 luminance weights).
const toLinear = (v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const fromLinear = (y) => 255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055);

function luminance(r, g, b) {
  if (r === g && g === b) return r;
  const clamp = (v) => Math.min(255, Math.max(0, v));
  return fromLinear(0.2126 * toLinear(clamp(r)) + 0.7152 * toLinear(clamp(g)) + 0.0722 * toLinear(clamp(b)));
}

/**
 * Resamples one plane to outWidth × outHeight (pixel centres aligned) and returns the
 * size × size window at (left, top), computing only the rows and columns of that window.
 */
function resample(plane, width, height, outWidth, outHeight, left, top, size) {
  const columns = lanczosWeights(width, outWidth, left, size);
  const rows = lanczosWeights(height, outHeight, top, size);
  const horizontal = new Float32Array(height * size);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < size; x++) {
      const { start, weights } = columns[x];
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * plane[y * width + start + k];
      horizontal[y * size + x] = sum;
    }
  }
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const { start, weights } = rows[y];
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * horizontal[(start + k) * size + x];
      out[y * size + x] = Math.min(255, Math.max(0, sum));
    }
  }
  return out;
}

/** Lanczos-3 taps for output positions offset..offset+count-1 of an inSize → outSize resize (edges clamped). */
function lanczosWeights(inSize, outSize, offset, count) {
  const scale = outSize / inSize;
  const support = scale < 1 ? 3 / scale : 3;
  const stretch = scale < 1 ? scale : 1;
  const taps = [];
  for (let o = offset; o < offset + count; o++) {
    const centre = (o + 0.5) / scale - 0.5;
    const first = Math.ceil(centre - support);
    const last = Math.floor(centre + support);
    const raw = [];
    for (let i = first; i <= last; i++) raw.push(lanczos3((i - centre) * stretch));
    // Fold taps that fall outside the image onto the edge pixels.
    const start = Math.max(0, Math.min(inSize - 1, first));
    const end = Math.max(0, Math.min(inSize - 1, last));
    const weights = new Float32Array(end - start + 1);
    let total = 0;
    for (let i = first; i <= last; i++) {
      const w = raw[i - first];
      weights[Math.min(end, Math.max(start, i)) - start] += w;
      total += w;
    }
    for (let k = 0; k < weights.length; k++) weights[k] /= total;
    taps.push({ start, weights });
  }
  return taps;
}

function lanczos3(x) {
  if (x === 0) return 1;
  if (x <= -3 || x >= 3) return 0;
  const px = Math.PI * x;
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
}
