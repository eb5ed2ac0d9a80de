"""Golden values for the activations whose float steps PyTorch's CPU kernels round one by one (ATen's formulas in
the tensor's type): sigmoid, elu, selu, celu, silu, softplus, mish, hardsigmoid, hardswish and log_sigmoid, forward
and input gradient, over a contiguous tensor per dtype (600 float32 values, 300 float64: random ones, a sweep of
[-20, 20], values near 0 where exp(x) - 1 cancels, and infinities).

    /usr/bin/python3 tools/golden/activation_rounding.py   # writes packages/nn/test/fixtures/activation_rounding.json
"""
import json
import os

import torch
import torch.nn.functional as F

from golden import encode

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures',
                   'activation_rounding.json')

OPS = {
    'sigmoid': torch.sigmoid,
    'elu': F.elu,
    'selu': F.selu,
    'celu': lambda t: F.celu(t, alpha=0.5),
    'silu': F.silu,
    'softplus': lambda t: F.softplus(t, beta=2, threshold=10),
    'mish': F.mish,
    'hardsigmoid': F.hardsigmoid,
    'hardswish': F.hardswish,
    'logsigmoid': F.logsigmoid,
}

doc = {'torch': torch.__version__}
for name, dtype in [('float32', torch.float32), ('float64', torch.float64)]:
    g = torch.Generator().manual_seed(0)
    n = 300 if dtype == torch.float32 else 150
    x = torch.cat([torch.randn(n, generator=g, dtype=dtype) * 4, torch.linspace(-20, 20, n // 3 * 2 - 3, dtype=dtype),
                   torch.randn(n // 3, generator=g, dtype=dtype) * 1e-4,
                   torch.tensor([float('inf'), float('-inf'), 0.0], dtype=dtype)])
    dy = torch.randn(x.shape, generator=g, dtype=dtype)
    cases = {}
    for op, f in OPS.items():
        leaf = x.clone().requires_grad_()
        y = f(leaf)
        y.backward(dy)
        cases[op] = {'y': encode(y), 'grad': encode(leaf.grad)}
    doc[name] = {'x': encode(x), 'dy': encode(dy), 'ops': cases}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(doc, f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print('wrote', OUT)
