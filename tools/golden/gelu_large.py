"""Golden values for gelu on a tensor large enough for the backend kernels (4,096 float32 values in [-8, 8]):
the output and the input gradient of (gelu(x) * w).sum(), w = cos(i).

    /usr/bin/python3 tools/golden/gelu_large.py   # writes packages/nn/test/fixtures/gelu_large.json
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'gelu_large.json')

x = torch.linspace(-8, 8, 4096, dtype=torch.float32).requires_grad_()
w = torch.cos(torch.arange(4096, dtype=torch.float64)).float()
y = F.gelu(x)
(y * w).sum().backward()
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'x': x.detach().tolist(), 'w': w.tolist(), 'out': y.detach().tolist(), 'grad': x.grad.tolist()}, f)
print('wrote', OUT)
