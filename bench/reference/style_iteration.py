#!/usr/bin/python3
"""PyTorch reference for one Gatys style-transfer iteration (forward + gradient to the image + Adam)
through VGG19 up to block3, with the same weights, preprocessing and losses as Facestyle
(DESIGN.md "ML conventions"), to compare TF.js backends against.

    /usr/bin/python3 bench/reference/style_iteration.py --sizes 192x256,256x256 --threads 2

Weights: ../shared/models/vgg19-block3 (TF.js layers format: model.json + shards) read with numpy;
kernels go from TF's HWIO to PyTorch's OIHW. Images: deterministic synthetic content and style
patterns (the same formulas as bench/wasm-kernels.bench.ts), so the iteration-0 losses of the two
implementations can be compared directly. Prints one JSON object.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(HERE, '..', '..', '..', 'shared', 'models', 'vgg19-block3')
BGR_MEAN = (103.939, 116.779, 123.68)
# Layers run in order; 'pool' is 2x2 max pooling. Only what the losses need (up to block3_conv2).
LAYERS = ['block1_conv1', 'block1_conv2', 'pool', 'block2_conv1', 'block2_conv2', 'pool', 'block3_conv1', 'block3_conv2']
STYLE_LAYERS = ['block1_conv1', 'block2_conv1', 'block3_conv1']
CONTENT_LAYER = 'block3_conv2'
DTYPE_NP = {'float32': np.float32, 'int32': np.int32}


def load_tfjs_weights(folder):
    """{name: np.ndarray} from a TF.js layers model.json and its weight shards."""
    with open(os.path.join(folder, 'model.json')) as f:
        manifest = json.load(f)['weightsManifest']
    weights = {}
    for group in manifest:
        data = b''.join(open(os.path.join(folder, p), 'rb').read() for p in group['paths'])
        offset = 0
        for spec in group['weights']:
            dtype = DTYPE_NP[spec['dtype']]
            count = int(np.prod(spec['shape'])) if spec['shape'] else 1
            arr = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(spec['shape'])
            offset += count * np.dtype(dtype).itemsize
            weights[spec['name']] = arr
    return weights


class VggBlock3(torch.nn.Module):
    """VGG19 convolutions up to block3_conv2, ReLU after each; returns the named activations."""

    def __init__(self, weights):
        super().__init__()
        self.kernels, self.biases = {}, {}
        for name in LAYERS:
            if name == 'pool':
                continue
            hwio = weights[name + '/kernel']
            self.kernels[name] = torch.from_numpy(np.ascontiguousarray(hwio.transpose(3, 2, 0, 1)))  # HWIO -> OIHW
            self.biases[name] = torch.from_numpy(weights[name + '/bias'].copy())

    def forward(self, x):
        out = {}
        for name in LAYERS:
            if name == 'pool':
                x = F.max_pool2d(x, 2, 2)
            else:
                x = F.relu(F.conv2d(x, self.kernels[name], self.biases[name], padding=1))
                out[name] = x
        return out


def synthetic_images(h, w):
    """RGB 0..255 content and style images, [H, W, 3] float32 (formulas shared with the TS benchmark)."""
    y, x = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing='ij')
    content = np.stack([127.5 + 100 * np.sin(0.05 * x * (c + 1) + 0.07 * y) for c in range(3)], axis=-1)
    style = np.stack([127.5 + 120 * np.sin(0.3 * x + 0.2 * y * (c + 1)) * np.cos(0.15 * y) for c in range(3)], axis=-1)
    return content.astype(np.float32), style.astype(np.float32)


def preprocess(rgb_nhwc):
    """Keras 'caffe': RGB 0..255 -> BGR minus the ImageNet mean; NHWC -> NCHW."""
    bgr = rgb_nhwc.flip(-1) - torch.tensor(BGR_MEAN)
    return bgr.permute(0, 3, 1, 2)


def gram(f):
    """gram = F^T F / (H*W) for F the [H*W, C] feature matrix of one image."""
    _, c, h, w = f.shape
    m = f.reshape(c, h * w)
    return (m @ m.t()) / (h * w)


def total_variation(x):
    """Sum of absolute differences of neighbouring pixels (tf.image.total_variation)."""
    return (x[:, 1:, :, :] - x[:, :-1, :, :]).abs().sum() + (x[:, :, 1:, :] - x[:, :, :-1, :]).abs().sum()


def run_size(model, h, w, iterations, weights_abc, lr):
    alpha, beta, gamma = weights_abc
    content, style = (torch.from_numpy(a)[None] for a in synthetic_images(h, w))
    with torch.no_grad():
        content_target = model(preprocess(content))[CONTENT_LAYER]
        style_grams = [gram(model(preprocess(style))[n]) for n in STYLE_LAYERS]
    image = content.clone().requires_grad_(True)
    opt = torch.optim.Adam([image], lr=lr, betas=(0.9, 0.999), eps=1e-8)
    losses, seconds, cpu = [], [], []
    for _ in range(iterations):
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad()
        feats = model(preprocess(image))
        j_content = torch.mean((feats[CONTENT_LAYER] - content_target) ** 2)
        j_style = sum(torch.mean((gram(feats[n]) - g) ** 2) for n, g in zip(STYLE_LAYERS, style_grams)) / len(STYLE_LAYERS)
        j_tv = total_variation(image)
        total = alpha * j_content + beta * j_style + gamma * j_tv
        total.backward()
        opt.step()
        with torch.no_grad():
            image.clamp_(0, 255)
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        losses.append({'total': total.item(), 'content': j_content.item(), 'style': j_style.item(), 'tv': j_tv.item()})
    steady = seconds[2:] if len(seconds) > 3 else seconds
    return {
        'height': h,
        'width': w,
        'iterations': iterations,
        'seconds_per_iteration': statistics.median(steady),
        'seconds_min': min(steady),
        'cpu_seconds_per_iteration': statistics.median(cpu[2:] if len(cpu) > 3 else cpu),
        'load_average': os.getloadavg()[0],
        'losses': losses,
    }


def parse_size(text):
    if 'x' in text:
        h, w = text.split('x')
        return int(h), int(w)
    return int(text), int(text)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--sizes', default='192x256', help='comma-separated HxW (or N for NxN)')
    p.add_argument('--iterations', type=int, default=8)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--model', default=os.environ.get('VGG19_BLOCK3_DIR', DEFAULT_MODEL))
    p.add_argument('--weights', default='1,1,1', help='alpha,beta,gamma (content, style, tv)')
    p.add_argument('--lr', type=float, default=5.0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model = VggBlock3(load_tfjs_weights(args.model))
    weights_abc = tuple(float(v) for v in args.weights.split(','))
    results = [run_size(model, *parse_size(s), args.iterations, weights_abc, args.lr) for s in args.sizes.split(',')]
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'results': results}))


if __name__ == '__main__':
    main()
