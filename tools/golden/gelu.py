"""Golden values for gelu (the exact, erf form) and its input gradient, on each of PyTorch's CPU paths:

- contiguous float32 tensors of more than one element, which PyTorch hands to oneDNN (its own erf and exp, in
  float32 with fused multiply-adds): special values, a sweep of [-12, 12] and random values;
- one-element tensors (ATen's scalar loop), a transposed matrix (ATen's loops on a non-contiguous input), and
  contiguous float64 tensors (ATen's vectorised loop);
- the tanh approximation (ATen's formula on every layout), contiguous and one element at a time.

Each case stores the input x, the incoming gradient dy, the output y = gelu(x) and the gradient of y · dy.

    /usr/bin/python3 tools/golden/gelu.py   # writes packages/nn/test/fixtures/gelu.json
"""
import json
import math
import os

import torch
import torch.nn.functional as F

from golden import encode

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'gelu.json')

SPECIAL = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e-45, -1e-45, 1e-38, -1e-38, 3e38, -3e38, 88.0, -88.0,
           100.0, -100.0, 14.0, -14.0, 9.0, -9.0, 8.0, -8.0, 7.0, -7.0, 5.0, -5.0, 3.0, -3.0, 1.0, -1.0, 0.5,
           -0.5, -0.75, 1e-4, -1e-4]


def values(dtype):
    g = torch.Generator().manual_seed(0)
    return torch.cat([torch.tensor(SPECIAL, dtype=dtype), torch.linspace(-12, 12, 401, dtype=dtype),
                      torch.randn(400, generator=g, dtype=dtype) * 4])


def record(x, dy, approximate='none'):
    """gelu of x (its layout kept) and the gradient of gelu(x) · dy, in x's logical order."""
    leaf = x.detach().requires_grad_()
    y = F.gelu(leaf, approximate=approximate)
    y.backward(dy)
    return {'x': encode(x), 'dy': encode(dy), 'y': encode(y), 'grad': encode(leaf.grad)}


def gradient_for(x, seed):
    return torch.randn(x.shape, generator=torch.Generator().manual_seed(seed), dtype=x.dtype)


doc = {'torch': torch.__version__}
for name, dtype in [('float32', torch.float32), ('float64', torch.float64)]:
    x = values(dtype)
    doc[f'contiguous_{name}'] = record(x, gradient_for(x, 1))
    singles = [record(v.reshape(1), gradient_for(v.reshape(1), 100 + i)) for i, v in enumerate(x[:200])]
    doc[f'single_{name}'] = {k: [s[k][0] for s in singles] for k in ('x', 'dy', 'y', 'grad')}
    # A transposed 40 × 30 matrix: ATen vectorises the forward along its columns, the backward (whose incoming
    # gradient is contiguous) runs element by element.
    base = torch.randn(30, 40, generator=torch.Generator().manual_seed(2), dtype=dtype) * 4
    xt = base.t()
    doc[f'transposed_{name}'] = dict(record(xt, gradient_for(xt, 3)), shape=list(xt.shape))
    # The tanh approximation, which PyTorch computes with ATen's formula for every layout.
    doc[f'tanh_contiguous_{name}'] = record(x, gradient_for(x, 4), 'tanh')
    singles = [record(v.reshape(1), gradient_for(v.reshape(1), 300 + i), 'tanh') for i, v in enumerate(x[:200])]
    doc[f'tanh_single_{name}'] = {k: [s[k][0] for s in singles] for k in ('x', 'dy', 'y', 'grad')}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(doc, f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print('wrote', OUT)
