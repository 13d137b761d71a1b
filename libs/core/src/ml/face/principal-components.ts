/**
 * The leading principal directions of a set of feature vectors, by subspace iteration:
 *   C = XᵀX / N  (X already centred),   V ← orthonormalise(C·V)  repeated,
 * then the columns sorted by their Rayleigh quotient vᵀCv (the variance along v). Used to start
 * the projection of a pretrained-backbone embedding at the directions the training faces vary
 * most in, instead of at random: the triplet loss then refines an embedding that already works.
 * Approximate by design (a fixed number of iterations): an initialisation, not an analysis.
 */
import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from './seeded-random';

export interface PrincipalComponents {
  /** `[dimension, count]`, orthonormal columns, largest variance first. */
  directions: Float32Array;
  /** The variance along each direction, descending. */
  variances: number[];
}

/**
 * The top `count` principal directions of the rows of `centred` (`[n, dimension]`, mean already
 * removed). `count` may exceed the data's rank; the extra directions are then arbitrary but
 * still orthonormal.
 */
export function principalComponents(centred: tf.Tensor2D, count: number, seed: number, iterations = 40): PrincipalComponents {
  const [n, dimension] = centred.shape;
  if (count > dimension) throw new RangeError(`principalComponents: ${count} directions of a ${dimension}-dimensional space`);
  const covariance = tf.tidy(() => tf.div(tf.matMul(centred, centred, true, false), Math.max(n, 1))) as tf.Tensor2D;
  const rng = new SeededRandom(seed);
  let basis = Float32Array.from({ length: dimension * count }, () => rng.next() - 0.5);
  orthonormaliseColumns(basis, dimension, count);
  for (let i = 0; i < iterations; i++) {
    basis = multiply(covariance, basis, dimension, count);
    orthonormaliseColumns(basis, dimension, count);
  }
  const projected = multiply(covariance, basis, dimension, count);
  covariance.dispose();
  const variances = Array.from({ length: count }, (_, j) => {
    let v = 0;
    for (let r = 0; r < dimension; r++) v += basis[r * count + j] * projected[r * count + j];
    return v;
  });
  const order = variances.map((_, j) => j).sort((a, b) => variances[b] - variances[a]);
  const directions = new Float32Array(dimension * count);
  for (let r = 0; r < dimension; r++) order.forEach((from, to) => (directions[r * count + to] = basis[r * count + from]));
  return { directions, variances: order.map((j) => variances[j]) };
}

function multiply(matrix: tf.Tensor2D, columns: Float32Array, rows: number, count: number): Float32Array {
  return tf.tidy(() => tf.matMul(matrix, tf.tensor2d(columns, [rows, count])).dataSync() as Float32Array);
}

/** Modified Gram–Schmidt on the columns of a row-major `[rows, count]` matrix, in place. */
export function orthonormaliseColumns(m: Float32Array, rows: number, count: number): void {
  let fallback = 0;
  for (let j = 0; j < count; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += m[r * count + j] * m[r * count + k];
      for (let r = 0; r < rows; r++) m[r * count + j] -= dot * m[r * count + k];
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += m[r * count + j] ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-6) {
      // A direction the others already span: retry from the next unit vector (some e_t lies
      // outside the span of fewer than `rows` columns, so this ends).
      const t = fallback++ % rows;
      for (let r = 0; r < rows; r++) m[r * count + j] = r === t ? 1 : 0;
      j--;
      continue;
    }
    for (let r = 0; r < rows; r++) m[r * count + j] /= norm;
  }
}
