/**
 * A 3×3 'same' convolution written with stock layers as im2col + matrix product:
 *   ZeroPadding2D(1) → nine Cropping2D views (one per kernel tap) → Concatenate → Dense.
 * It computes exactly Conv2D: the Dense kernel [9·Cin, Cout] is the Conv2D kernel
 * [3, 3, Cin, Cout] flattened in (row, column, channel) order. Why: the gradient of
 * Conv2D with respect to its filter (Conv2DBackpropFilter) is missing on the stock wasm
 * backend and element-by-element slow on the cpu backend, whereas every op here has
 * a fast gradient on both. Only stock layer classes are used, so checkpoints stay loadable.
 */
import * as tf from '@tensorflow/tfjs';

export interface UnfoldedConv2dArgs {
  filters: number;
  /** Prefix of the layer names (the kernel becomes `<name>_matmul/kernel`). */
  name: string;
  useBias: boolean;
  kernelInitializer: ReturnType<typeof tf.initializers.heNormal>;
}

export function unfoldedConv2d(input: tf.SymbolicTensor, args: UnfoldedConv2dArgs): tf.SymbolicTensor {
  const padded = tf.layers.zeroPadding2d({ padding: 1, name: `${args.name}_pad` }).apply(input) as tf.SymbolicTensor;
  const taps: tf.SymbolicTensor[] = [];
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) {
      const cropping: [[number, number], [number, number]] = [[dy, 2 - dy], [dx, 2 - dx]];
      const tap = tf.layers.cropping2D({ cropping, name: `${args.name}_tap${dy}${dx}` }).apply(padded);
      taps.push(tap as tf.SymbolicTensor);
    }
  }
  const patches = tf.layers.concatenate({ axis: -1, name: `${args.name}_patches` }).apply(taps) as tf.SymbolicTensor;
  return tf.layers
    .dense({
      units: args.filters,
      useBias: args.useBias,
      kernelInitializer: args.kernelInitializer,
      name: `${args.name}_matmul`,
    })
    .apply(patches) as tf.SymbolicTensor;
}
