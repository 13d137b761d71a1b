// Browser versions of the custom layers a Facestyle checkpoint names in its model.json, for
// inference only. They must be registered before tf.loadLayersModel(url) reads the topology.
// Same class names, constructor arguments and weight names as in libs/core/src/ml/face/:
//   L2Normalization              y = x · rsqrt(max(Σx², ε²))          (l2-normalization-layer.ts)
//   CompositeGradientConv2D      y = conv2d(x, kernel, 1, 'same') + b  (composite-gradient-conv2d.ts; its
//                                custom gradient only matters in training)
//   CompositeBatchNormalization  y = γ·(x − moving μ)/√(moving σ² + ε) + β  (composite-batch-normalization.ts,
//                                inference branch)
//   FeatureStandardization       y = (x − mean) · inverse_std          (feature-standardization-layer.ts;
//                                models with the pretrained vgg19 backbone)
const tf = globalThis.tf;

const firstInput = (inputs) => (Array.isArray(inputs) ? inputs[0] : inputs);
const lastDim = (inputShape) => {
  const shape = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
  return shape[shape.length - 1];
};

class L2Normalization extends tf.layers.Layer {
  static className = 'L2Normalization';

  constructor(args = {}) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? 1e-10;
  }

  computeOutputShape(inputShape) {
    return inputShape;
  }

  call(inputs) {
    return tf.tidy(() => {
      const x = firstInput(inputs);
      const squaredNorm = tf.sum(tf.square(x), -1, true);
      return tf.mul(x, tf.rsqrt(tf.maximum(squaredNorm, this.epsilon * this.epsilon)));
    });
  }

  getConfig() {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

class CompositeGradientConv2D extends tf.layers.Layer {
  static className = 'CompositeGradientConv2D';

  constructor(args) {
    super({ name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize ?? 3;
    this.useBias = args.useBias ?? true;
  }

  build(inputShape) {
    const channels = lastDim(inputShape);
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.kernelSize, channels, this.filters], 'float32', tf.initializers.zeros());
    this.bias = this.useBias ? this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros()) : null;
    this.built = true;
  }

  computeOutputShape(inputShape) {
    const shape = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
    return [...shape.slice(0, -1), this.filters];
  }

  call(inputs) {
    return tf.tidy(() => {
      const y = tf.conv2d(firstInput(inputs), this.kernel.read(), 1, 'same');
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  getConfig() {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, useBias: this.useBias };
  }
}

class CompositeBatchNormalization extends tf.layers.Layer {
  static className = 'CompositeBatchNormalization';

  constructor(args = {}) {
    super({ name: args.name });
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-3;
  }

  build(inputShape) {
    const channels = [lastDim(inputShape)];
    this.gamma = this.addWeight('gamma', channels, 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', channels, 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', channels, 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', channels, 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  computeOutputShape(inputShape) {
    return inputShape;
  }

  call(inputs) {
    return tf.tidy(() => {
      const scale = tf.mul(this.gamma.read(), tf.rsqrt(tf.add(this.movingVariance.read(), this.epsilon)));
      return tf.add(tf.mul(tf.sub(firstInput(inputs), this.movingMean.read()), scale), this.beta.read());
    });
  }

  getConfig() {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}

class FeatureStandardization extends tf.layers.Layer {
  static className = 'FeatureStandardization';

  constructor(args = {}) {
    super({ name: args.name });
  }

  build(inputShape) {
    const features = [lastDim(inputShape)];
    this.mean = this.addWeight('mean', features, 'float32', tf.initializers.zeros(), undefined, false);
    this.inverseStd = this.addWeight('inverse_std', features, 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  computeOutputShape(inputShape) {
    return inputShape;
  }

  call(inputs) {
    return tf.tidy(() => tf.mul(tf.sub(firstInput(inputs), this.mean.read()), this.inverseStd.read()));
  }
}

const LAYERS = [L2Normalization, CompositeGradientConv2D, CompositeBatchNormalization, FeatureStandardization];
for (const layer of LAYERS) tf.serialization.registerClass(layer);

export const FACE_LAYERS = LAYERS.map((layer) => layer.className);
