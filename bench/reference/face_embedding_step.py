#!/usr/bin/python3
"""PyTorch reference for Facestyle's default face-embedding training step and inference batch,
the same maths as libs/core/src/ml/face (embedding-model.ts, triplet-loss.ts with batch-all mining):

  [conv 3x3 'same' (no bias) -> batch norm (eps 1e-3) -> ReLU -> 2x2 max pool] x depth, filters
  width, 2·width, 4·width, ...; flatten -> dense embeddingDim -> L2 normalisation.
  Loss: batch-all triplet loss, L = mean over active triplets of max(d(a,p) - d(a,n) + m, 0),
  Euclidean d, m = 0.2. Adam, lr 1e-3. Batch: P identities x K images, greyscale size x size.

    /usr/bin/python3 bench/reference/face_embedding_step.py --threads 2 --size 96 --identities 16 --per-identity 4

Prints one JSON object: seconds per training step and per inference batch (medians after warm-up).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


class EmbeddingNet(torch.nn.Module):
    def __init__(self, size, width, depth, dim):
        super().__init__()
        layers, cin = [], 1
        for block in range(depth):
            w = width * 2 ** block
            layers += [torch.nn.Conv2d(cin, w, 3, padding=1, bias=False), torch.nn.BatchNorm2d(w, eps=1e-3, momentum=0.1),
                       torch.nn.ReLU(), torch.nn.MaxPool2d(2)]
            cin = w
        self.features = torch.nn.Sequential(*layers)
        side = size // 2 ** depth
        self.projection = torch.nn.Linear(cin * side * side, dim)

    def forward(self, x):
        return F.normalize(self.projection(self.features(x).flatten(1)), dim=1, eps=1e-12)


def batch_all_triplet_loss(emb, labels, margin=0.2):
    sq = (emb * emb).sum(1)
    d = torch.sqrt(torch.clamp(sq[:, None] - 2 * emb @ emb.t() + sq[None, :], min=0) + 1e-12)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool)
    positive = same & ~eye
    negative = ~same
    valid = positive[:, :, None] & negative[:, None, :]
    loss = F.relu(d[:, :, None] - d[:, None, :] + margin) * valid
    active = (loss > 1e-16).float().sum()
    return loss.sum() / torch.clamp(active, min=1.0)


def median_seconds(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--size', type=int, default=96)
    p.add_argument('--width', type=int, default=16)
    p.add_argument('--depth', type=int, default=4)
    p.add_argument('--dim', type=int, default=64)
    p.add_argument('--identities', type=int, default=16)
    p.add_argument('--per-identity', type=int, default=4)
    p.add_argument('--steps', type=int, default=10)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = EmbeddingNet(args.size, args.width, args.depth, args.dim)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch = args.identities * args.per_identity
    x = torch.rand(batch, 1, args.size, args.size)
    labels = torch.arange(args.identities).repeat_interleave(args.per_identity)

    def step():
        optimizer.zero_grad()
        loss = batch_all_triplet_loss(model(x), labels)
        loss.backward()
        optimizer.step()

    model.train()
    train = median_seconds(step, 2, args.steps)
    model.eval()
    with torch.no_grad():
        infer = median_seconds(lambda: model(x), 2, args.steps)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'batch': batch, 'size': args.size,
                      'trainStepSeconds': train, 'inferenceBatchSeconds': infer}))


if __name__ == '__main__':
    main()
