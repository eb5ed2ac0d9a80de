"""Golden values for batch norm, forward and backward, as PyTorch 1.13's CPU kernels compute them on one thread:
[N, C] inputs (PyTorch's channels-last kernels), [N, C, L] and [N, C, H, W] (its contiguous ones), training with
and without running statistics (and the running statistics it leaves), evaluation, with and without weight and
bias, float32 and float64.

    /usr/bin/python3 tools/golden/batch_norm.py   # writes packages/nn/test/fixtures/batch_norm.json
"""
import json
import os

import torch
import torch.nn.functional as F

from golden import encode, leaves

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'batch_norm.json')

# On more threads PyTorch's [N, C] kernels split the batch between threads and add the threads' partial sums;
# Kindling adds in order, as one thread does.
torch.set_num_threads(1)


def case(shape, dtype, name, mode, affine, momentum, g):
    """batch_norm of a random tensor of `shape` in `mode` ('train', 'train-untracked' or 'eval'), and its gradients."""
    c = shape[1]
    x = torch.randn(shape, generator=g, dtype=dtype) * 3 + torch.randn(
        (1, c) + (1,) * (len(shape) - 2), generator=g, dtype=dtype) * 2
    dy = torch.randn(shape, generator=g, dtype=dtype)
    running_mean = torch.randn(c, generator=g, dtype=dtype)
    running_var = torch.rand(c, generator=g, dtype=dtype) * 2 + 0.5
    weight = torch.randn(c, generator=g, dtype=dtype) if affine else None
    bias = torch.randn(c, generator=g, dtype=dtype) if affine else None
    record = {'dtype': name, 'shape': list(shape), 'mode': mode, 'momentum': momentum, 'x': encode(x),
              'dy': encode(dy), 'runningMean': encode(running_mean), 'runningVar': encode(running_var)}
    if affine:
        record['weight'] = encode(weight)
        record['bias'] = encode(bias)
    leaf, w, b = leaves(x, weight, bias)
    tracked = mode != 'train-untracked'
    rm = running_mean.clone() if tracked else None
    rv = running_var.clone() if tracked else None
    y = F.batch_norm(leaf, rm, rv, w, b, mode != 'eval', momentum, 1e-5)
    y.backward(dy)
    record['y'] = encode(y)
    record['grad'] = encode(leaf.grad)
    if affine:
        record['gradWeight'] = encode(w.grad)
        record['gradBias'] = encode(b.grad)
    if mode == 'train':
        record['runningMeanAfter'] = encode(rm)
        record['runningVarAfter'] = encode(rv)
    return record


doc = {'torch': torch.__version__, 'cases': []}
for dtype, name in ((torch.float32, 'float32'), (torch.float64, 'float64')):
    g = torch.Generator().manual_seed(0)
    for shape in ((6, 5), (33, 20), (2, 1), (4, 3, 7), (3, 2, 10), (3, 4, 5, 5), (2, 3, 4, 6), (2, 3, 9, 13),
                  (8, 2, 1, 1)):
        for mode in ('train', 'train-untracked', 'eval'):
            for affine in (True, False):
                doc['cases'].append(case(shape, dtype, name, mode, affine, 0.1, g))
    doc['cases'].append(case((5, 6, 3, 3), dtype, name, 'train', True, 0.3, g))
# Large enough (4,096 values and up) for the WebAssembly kernels, which leave smaller calls to TypeScript.
g = torch.Generator().manual_seed(1)
for shape in ((80, 64), (4, 8, 12, 12)):
    for mode in ('train', 'eval'):
        doc['cases'].append(case(shape, torch.float32, 'float32', mode, True, 0.1, g))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(doc, f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print('wrote', OUT)
