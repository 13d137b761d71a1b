/**
 * Seeded training-time augmentation of preprocessed face tensors (HWC Float32Array):
 * a random similarity transform (shift = random crop, scale, small rotation) sampled
 * bilinearly with edge clamping, a horizontal flip, brightness/contrast jitter, then
 * random erasing (Zhong et al., 2017: a random rectangle set to 0, the normalised mean),
 * which makes the network use more than one facial region.
 * All randomness comes from the caller's `SeededRandom`, so a resumed run repeats it.
 */
import { SeededRandom } from './seeded-random';

export interface AugmentationSpec {
  /** Maximum shift along each axis, as a fraction of the side (0.08 → ±8 %). */
  maxShift: number;
  /** Maximum relative zoom (0.1 → scale in [0.9, 1.1]). */
  maxScale: number;
  /** Maximum rotation in degrees, either direction. */
  maxRotationDegrees: number;
  /** Mirror left–right with probability ½. */
  horizontalFlip: boolean;
  /** Maximum additive brightness change, in normalised units. */
  brightness: number;
  /** Maximum relative contrast change around the image mean (0.2 → ×[0.8, 1.2]). */
  contrast: number;
  /** Probability of erasing one rectangle. */
  erasingProbability: number;
  /** Largest erased area as a fraction of the image (the smallest is 2 %; aspect ratio 1:3 to 3:1). */
  erasingMaxArea: number;
}

export const NO_AUGMENTATION: AugmentationSpec = {
  maxShift: 0,
  maxScale: 0,
  maxRotationDegrees: 0,
  horizontalFlip: false,
  brightness: 0,
  contrast: 0,
  erasingProbability: 0,
  erasingMaxArea: 0,
};

/** Returns an augmented copy of one `size`×`size`×`channels` image. */
export function augmentFace(
  pixels: Float32Array,
  size: number,
  channels: number,
  spec: AugmentationSpec,
  rng: SeededRandom,
): Float32Array {
  // Draw every random number unconditionally so the sequence length does not depend on the spec.
  const shiftX = rng.uniform(-1, 1) * spec.maxShift * size;
  const shiftY = rng.uniform(-1, 1) * spec.maxShift * size;
  const scale = 1 + rng.uniform(-1, 1) * spec.maxScale;
  const angle = (rng.uniform(-1, 1) * spec.maxRotationDegrees * Math.PI) / 180;
  const flip = spec.horizontalFlip && rng.next() < 0.5;
  const brightness = rng.uniform(-1, 1) * spec.brightness;
  const contrast = 1 + rng.uniform(-1, 1) * spec.contrast;
  const erase = rng.next() < spec.erasingProbability;
  const eraseArea = rng.uniform(0.02, Math.max(0.02, spec.erasingMaxArea)) * size * size;
  const eraseAspect = Math.exp(rng.uniform(Math.log(1 / 3), Math.log(3)));
  const eraseX = rng.next();
  const eraseY = rng.next();

  const out = new Float32Array(pixels.length);
  const centre = (size - 1) / 2;
  // Inverse map: output (x, y) → source. Output = centre + s·R·(src − centre) + t, so
  // src = centre + R⁻¹·(out − centre − t) / s; the flip mirrors the output x first.
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const ox = (flip ? size - 1 - x : x) - centre - shiftX;
      const oy = y - centre - shiftY;
      const sx = clamp(centre + cos * ox + sin * oy, 0, size - 1);
      const sy = clamp(centre - sin * ox + cos * oy, 0, size - 1);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(x0 + 1, size - 1);
      const y1 = Math.min(y0 + 1, size - 1);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < channels; c++) {
        const at = (yy: number, xx: number) => pixels[(yy * size + xx) * channels + c];
        const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
        const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
        out[(y * size + x) * channels + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }

  if (brightness !== 0 || contrast !== 1) {
    let mean = 0;
    for (let i = 0; i < out.length; i++) mean += out[i];
    mean /= out.length;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] - mean) * contrast + mean + brightness;
  }

  if (erase) {
    const height = Math.min(size, Math.max(1, Math.round(Math.sqrt(eraseArea * eraseAspect))));
    const width = Math.min(size, Math.max(1, Math.round(Math.sqrt(eraseArea / eraseAspect))));
    const top = Math.floor(eraseY * (size - height + 1));
    const left = Math.floor(eraseX * (size - width + 1));
    for (let y = top; y < top + height; y++) out.fill(0, (y * size + left) * channels, (y * size + left + width) * channels);
  }
  return out;
}

function clamp(v: number, low: number, high: number): number {
  return v < low ? low : v > high ? high : v;
}
