"""Golden values for group norm, forward and backward, as PyTorch 1.13's CPU kernels compute them: groups of channels
of [N, C] and [N, C, H, W] inputs, with and without weight and bias (and each alone), float32 and float64.

    /usr/bin/python3 tools/golden/group_norm.py   # writes packages/nn/test/fixtures/group_norm.json
"""
import json
import os

import torch
import torch.nn.functional as F

from golden import encode, leaves

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'group_norm.json')


def case(shape, groups, dtype, name, affine, g):
    """group_norm of a random tensor of `shape` in `groups` groups; affine: 'both', 'weight', 'bias' or 'none'."""
    c = shape[1]
    x = torch.randn(shape, generator=g, dtype=dtype) * 3 + torch.randn(
        (shape[0], c) + (1,) * (len(shape) - 2), generator=g, dtype=dtype) * 2
    dy = torch.randn(shape, generator=g, dtype=dtype)
    weight = torch.randn(c, generator=g, dtype=dtype) if affine in ('both', 'weight') else None
    bias = torch.randn(c, generator=g, dtype=dtype) if affine in ('both', 'bias') else None
    leaf, w, b = leaves(x, weight, bias)
    y = F.group_norm(leaf, groups, w, b, 1e-5)
    record = {'dtype': name, 'shape': list(shape), 'groups': groups, 'x': encode(x), 'y': encode(y)}
    if weight is not None:
        record['weight'] = encode(weight)
    if bias is not None:
        record['bias'] = encode(bias)
    # PyTorch 1.13's backward fails ("tensor does not have a device") with a bias but no weight.
    if affine != 'bias':
        y.backward(dy)
        record.update({'dy': encode(dy), 'grad': encode(leaf.grad)})
        if w is not None:
            record['gradWeight'] = encode(w.grad)
        if b is not None:
            record['gradBias'] = encode(b.grad)
    return record


doc = {'torch': torch.__version__, 'cases': []}
for dtype, name in ((torch.float32, 'float32'), (torch.float64, 'float64')):
    g = torch.Generator().manual_seed(0)
    for shape, groups in (((4, 6), 3), ((2, 6, 5, 5), 3), ((3, 8, 7), 2), ((2, 12, 4, 6), 4), ((2, 16, 6, 6), 8),
                          ((1, 16, 3, 3), 16), ((2, 24, 13), 2), ((3, 40, 2, 5), 4)):
        for affine in ('both', 'weight', 'bias', 'none'):
            doc['cases'].append(case(shape, groups, dtype, name, affine, g))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(doc, f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print('wrote', OUT)
