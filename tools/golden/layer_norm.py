"""Golden values for layer norm, forward and backward, as PyTorch 1.13's CPU kernel computes them on one thread:
rows of 1 to 5,000 values (every vector-lane remainder, and enough vectors for several levels of the moments'
cascade), with and without weight and bias, float32 and float64, and one input normalised over two trailing dims.

    /usr/bin/python3 tools/golden/layer_norm.py   # writes packages/nn/test/fixtures/layer_norm.json
"""
import json
import os

import torch
import torch.nn.functional as F

from golden import encode, leaves

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'layer_norm.json')

# On more threads PyTorch splits the rows between threads for the weight's and bias's gradients and adds the
# threads' partial sums; Kindling adds the rows in order, as one thread does.
torch.set_num_threads(1)


def case(shape, normalized, dtype, name, affine, g):
    """layer_norm of a random tensor of `shape` over its trailing dims `normalized`, and its gradients."""
    # Rows with their own offsets and scales, so that the mean and the variance both matter.
    rows = shape[0]
    x = torch.randn(shape, generator=g, dtype=dtype)
    x = x * torch.rand((rows,) + (1,) * (len(shape) - 1), generator=g, dtype=dtype) * 10
    x = x + torch.randn((rows,) + (1,) * (len(shape) - 1), generator=g, dtype=dtype) * 5
    dy = torch.randn(shape, generator=g, dtype=dtype)
    weight = torch.randn(normalized, generator=g, dtype=dtype) if affine in ('both', 'weight') else None
    bias = torch.randn(normalized, generator=g, dtype=dtype) if affine in ('both', 'bias') else None
    leaf, w, b = leaves(x, weight, bias)
    y = F.layer_norm(leaf, list(normalized), w, b, 1e-5)
    y.backward(dy)
    record = {
        'dtype': name,
        'shape': list(shape),
        'normalized': list(normalized),
        'x': encode(x),
        'dy': encode(dy),
        'y': encode(y),
        'grad': encode(leaf.grad),
    }
    if w is not None:
        record['weight'] = encode(weight)
        record['gradWeight'] = encode(w.grad)
    if b is not None:
        record['bias'] = encode(bias)
        record['gradBias'] = encode(b.grad)
    return record


doc = {'torch': torch.__version__, 'cases': []}
for dtype, name in ((torch.float32, 'float32'), (torch.float64, 'float64')):
    g = torch.Generator().manual_seed(0)
    for cols, rows in ((1, 4), (3, 6), (7, 5), (8, 5), (9, 5), (16, 4), (17, 4), (100, 3), (127, 2), (128, 2), (129, 2)):
        for affine in ('both', 'none'):
            doc['cases'].append(case((rows, cols), (cols,), dtype, name, affine, g))
    # 300 to 4,500 values: 3 to 36 chunks of 16 vectors, up to six levels of the cascade (float64's vectors are
    # half as long: 777 values already make 13 chunks).
    for cols, rows in ((300, 2), (777, 1), (2049, 1), (4500, 1))[:4 if name == 'float32' else 2]:
        doc['cases'].append(case((rows, cols), (cols,), dtype, name, 'both', g))
    doc['cases'].append(case((5, 37), (37,), dtype, name, 'weight', g))
    doc['cases'].append(case((5, 37), (37,), dtype, name, 'bias', g))
    doc['cases'].append(case((3, 4, 5), (4, 5), dtype, name, 'both', g))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(doc, f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print('wrote', OUT)
