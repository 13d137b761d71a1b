/**
 * A stride-1 'same' 2-D convolution (odd square kernel, NHWC) whose gradients are computed
 * with forward convolutions instead of the Conv2DBackpropFilter / Conv2DBackpropInput
 * kernels. Why: the stock wasm backend has no Conv2DBackpropFilter, and the cpu backend's
 * is element-by-element slow, while forward conv2d is fast on every backend (XNNPACK on wasm).
 *
 * Forward:  y[b,i,j,f] = Σ_{u,v,c} x̃[b, i+u, j+v, c] · w[u,v,c,f],   x̃ = x zero-padded by p = (k−1)/2.
 * Input gradient (a 'same' convolution of dy with the kernel flipped in space, channels swapped):
 *   ∂L/∂x = conv2d(dy, w′),   w′[u,v,f,c] = w[k−1−u, k−1−v, c, f].
 * Filter gradient (a 'valid' convolution in which the batch plays the role of the channels):
 *   ∂L/∂w[u,v,c,f] = Σ_{b,i,j} x̃[b,i+u,j+v,c] · dy[b,i,j,f]
 *                  = conv2d(X, D)[c,u,v,f],   X[c,·,·,b] = x̃[b,·,·,c],  D[i,j,b,f] = dy[b,i,j,f].
 */
import * as tf from '@tensorflow/tfjs';

/** y = conv2d(x, kernel, stride 1, 'same') with the gradients above. */
export function conv2dWithCompositeGradient(x: tf.Tensor4D, kernel: tf.Tensor4D): tf.Tensor4D {
  return compositeGradientConv(x, kernel) as tf.Tensor4D;
}

const compositeGradientConv = tf.customGrad((...args: (tf.Tensor | ((t: tf.Tensor[]) => void))[]) => {
  const x = args[0] as tf.Tensor4D;
  const kernel = args[1] as tf.Tensor4D;
  const save = args[2] as (tensors: tf.Tensor[]) => void;
  const [k, k2] = kernel.shape;
  if (k !== k2 || k % 2 === 0) throw new RangeError(`composite-gradient conv2d needs an odd square kernel, got ${k}×${k2}`);
  save([x, kernel]);
  return {
    value: tf.conv2d(x, kernel, 1, 'same'),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const dy4 = dy as tf.Tensor4D;
      const [savedX, savedKernel] = saved as [tf.Tensor4D, tf.Tensor4D];
      const flipped = tf.transpose(tf.reverse(savedKernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const dx = tf.conv2d(dy4, flipped, 1, 'same');
      const p = (k - 1) / 2;
      const padded = tf.pad(savedX, [[0, 0], [p, p], [p, p], [0, 0]]);
      const batchAsChannels = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
      const dyAsFilter = tf.transpose(dy4, [1, 2, 0, 3]) as tf.Tensor4D;
      const dw = tf.transpose(tf.conv2d(batchAsChannels, dyAsFilter, 1, 'valid'), [1, 2, 0, 3]);
      return [dx, dw];
    },
  };
});

export interface CompositeGradientConv2DArgs {
  filters: number;
  /** Odd square kernel side (default 3). */
  kernelSize?: number;
  useBias?: boolean;
  kernelInitializer?: ReturnType<typeof tf.initializers.heNormal>;
  name?: string;
}

/**
 * Keras-style layer around `conv2dWithCompositeGradient`. Its weights have Conv2D's names
 * and layout (`kernel` [k, k, Cin, filters], `bias` [filters]), so they can be copied into
 * a stock Conv2D layer (`implementation: 'stock'` in embedding-model.ts) as they are.
 */
export class CompositeGradientConv2D extends tf.layers.Layer {
  static readonly className = 'CompositeGradientConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly useBias: boolean;
  private readonly kernelInitializer: ReturnType<typeof tf.initializers.heNormal>;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: CompositeGradientConv2DArgs) {
    super({ name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize ?? 3;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = args.kernelInitializer ?? tf.initializers.heNormal({});
    if (this.kernelSize % 2 === 0) throw new RangeError(`kernelSize must be odd, got ${this.kernelSize}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.kernelSize, channels, this.filters], 'float32', this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const y = conv2dWithCompositeGradient(x, (this.kernel as tf.LayerVariable).read() as tf.Tensor4D);
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, useBias: this.useBias };
  }
}

tf.serialization.registerClass(CompositeGradientConv2D);
