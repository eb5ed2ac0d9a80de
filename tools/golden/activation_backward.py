"""Golden values for the activations' backward kernels, PyTorch's tanh_backward(grad, output) and
sigmoid_backward(grad, output), bit for bit: 2,053 (grad, output) pairs per dtype, past the size where Kindling
hands elementwise work to its backend, with outputs over the whole range (and 0, ±1, tiny values) and a few
non-finite gradients.

    /usr/bin/python3 tools/golden/activation_backward.py   # writes packages/core/test/fixtures/activation_backward.json
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'test', 'fixtures', 'activation_backward.json')
N = 2053


def finite_list(t):
    return [v if math.isfinite(v) else repr(v) for v in t.tolist()]


torch.manual_seed(0)
cases = {}
for dtype, name in ((torch.float32, 'float32'), (torch.float64, 'float64')):
    x = torch.randn(N, dtype=dtype) * 3
    g = torch.randn(N, dtype=dtype)
    g[:3] = torch.tensor([float('nan'), float('inf'), float('-inf')], dtype=dtype)
    t = x.tanh()
    s = x.sigmoid()
    t[3:8] = torch.tensor([0.0, 1.0, -1.0, 1e-20, -0.5], dtype=dtype)
    s[3:8] = torch.tensor([0.0, 1.0, 0.5, 1e-20, 0.9999999], dtype=dtype)
    cases[name] = {
        'grad': finite_list(g),
        'tanh': t.tolist(),
        'tanh_backward': finite_list(torch.ops.aten.tanh_backward(g, t)),
        'sigmoid': s.tolist(),
        'sigmoid_backward': finite_list(torch.ops.aten.sigmoid_backward(g, s)),
    }
with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f)
print('wrote', OUT)
