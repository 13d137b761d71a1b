#!/usr/bin/python3
"""PyTorch reference for one triplet-loss training step of the small face-embedding CNN used by
bench/wasm-kernels.bench.ts, to compare TF.js backends against.

    /usr/bin/python3 bench/reference/triplet_step.py --threads 2

Model: [conv 3x3 (no bias) -> batch norm -> ReLU -> 2x2 max pool] x 3 with 32/64/128 filters,
global average pooling, dense 128, L2 normalisation. Loss: batch-hard triplet loss, margin 0.2,
Euclidean distance. Adam (lr 1e-3). Batch: P=16 identities x K=4 images of 96x96 greyscale,
random. Prints one JSON object.
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F


class EmbeddingNet(torch.nn.Module):
    def __init__(self, widths=(32, 64, 128), dim=128):
        super().__init__()
        layers, cin = [], 1
        for w in widths:
            layers += [torch.nn.Conv2d(cin, w, 3, padding=1, bias=False), torch.nn.BatchNorm2d(w, eps=1e-3, momentum=0.01),
                       torch.nn.ReLU(), torch.nn.MaxPool2d(2)]
            cin = w
        self.features = torch.nn.Sequential(*layers)
        self.dense = torch.nn.Linear(cin, dim)

    def forward(self, x):
        x = self.features(x).mean(dim=(2, 3))  # global average pooling
        return F.normalize(self.dense(x), dim=1, eps=1e-12)


def batch_hard_triplet_loss(emb, labels, margin=0.2):
    """mean_a max(max_{p~a} d(a,p) - min_{n!~a} d(a,n) + margin, 0), d = Euclidean distance."""
    sq = (emb * emb).sum(1)
    d = torch.sqrt(torch.clamp(sq[:, None] - 2 * emb @ emb.t() + sq[None, :], min=0) + 1e-12)
    same = labels[:, None] == labels[None, :]
    hardest_pos = torch.where(same, d, torch.zeros_like(d)).max(1).values
    hardest_neg = torch.where(same, torch.full_like(d, 1e9), d).min(1).values
    return F.relu(hardest_pos - hardest_neg + margin).mean()


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--steps', type=int, default=8)
    p.add_argument('--identities', type=int, default=16)
    p.add_argument('--per-identity', type=int, default=4)
    p.add_argument('--size', type=int, default=96)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    batch = args.identities * args.per_identity
    x = torch.rand(batch, 1, args.size, args.size)
    labels = torch.arange(args.identities).repeat_interleave(args.per_identity)
    model = EmbeddingNet()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    seconds, losses, cpu = [], [], []
    for _ in range(args.steps):
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad()
        loss = batch_hard_triplet_loss(model(x), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    steady = seconds[2:] if len(seconds) > 3 else seconds
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'batch': batch, 'size': args.size,
                      'seconds_per_step': statistics.median(steady), 'seconds_min': min(steady),
                      'cpu_seconds_per_step': statistics.median(cpu[2:] if len(cpu) > 3 else cpu),
                      'load_average': os.getloadavg()[0], 'losses': losses}))


if __name__ == '__main__':
    main()
