/**
 * Adam on the pixels of the generated image, with its state as plain tensors so a render can
 * checkpoint and resume it exactly (tf.train.adam hides its moments behind variables).
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const DEFAULT_ADAM: Omit<AdamSettings, 'learningRate'> = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Moments of one image; `step` is the number of updates applied (t of the bias correction). */
export interface AdamState {
  step: number;
  m: tf.Tensor3D;
  v: tf.Tensor3D;
}

export function initialAdamState(shape: readonly [number, number, number]): AdamState {
  return { step: 0, m: tf.zeros(shape as [number, number, number]), v: tf.zeros(shape as [number, number, number]) };
}

/**
 * One Adam update, then a clip to the valid pixel range:
 *   m ← β1·m + (1−β1)·g,   v ← β2·v + (1−β2)·g²,   t ← t+1
 *   x ← clip(x − lr · (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε), lo, hi)
 * Returns new tensors; the inputs are left alone (the caller disposes what it no longer needs).
 */
export function adamUpdate(
  x: tf.Tensor3D,
  grad: tf.Tensor3D,
  state: AdamState,
  settings: AdamSettings,
  range: readonly [number, number] = [0, 255],
): { x: tf.Tensor3D; state: AdamState } {
  const { learningRate, beta1, beta2, epsilon } = settings;
  const step = state.step + 1;
  return tf.tidy(() => {
    const m = tf.add(tf.mul(state.m, beta1), tf.mul(grad, 1 - beta1)) as tf.Tensor3D;
    const v = tf.add(tf.mul(state.v, beta2), tf.mul(tf.square(grad), 1 - beta2)) as tf.Tensor3D;
    const mHat = tf.div(m, 1 - beta1 ** step);
    const vHat = tf.div(v, 1 - beta2 ** step);
    const next = tf.clipByValue(tf.sub(x, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), learningRate)), range[0], range[1]);
    return { x: next as tf.Tensor3D, state: { step, m, v } };
  });
}

export function disposeAdamState(state: AdamState): void {
  state.m.dispose();
  state.v.dispose();
}
