"""Golden values for softmax and log_softmax over a contiguous last dim, the path PyTorch's classifiers take, and
along a middle dim (PyTorch's other kernel), and their input gradients: rows of 1 to 500 values per dtype and two
[outer, size, inner] tensors, random logits and incoming gradients.

    /usr/bin/python3 tools/golden/softmax_rows.py   # writes packages/nn/test/fixtures/softmax_rows.json
"""
import json
import os

import torch
import torch.nn.functional as F

from golden import encode

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'nn', 'test', 'fixtures', 'softmax_rows.json')


def case(shape, dtype, name, g):
    """softmax and log_softmax over dim 1 of a random tensor of `shape`, and their gradients."""
    x = torch.randn(shape, generator=g, dtype=dtype) * 3
    dy = torch.randn(shape, generator=g, dtype=dtype)
    record = {'dtype': name, 'shape': list(shape), 'x': encode(x), 'dy': encode(dy)}
    for op, f in (('softmax', F.softmax), ('log_softmax', F.log_softmax)):
        leaf = x.clone().requires_grad_()
        y = f(leaf, dim=1)
        y.backward(dy)
        record[op] = {'y': encode(y), 'grad': encode(leaf.grad)}
    return record


doc = {'torch': torch.__version__, 'cases': []}
for dtype, name in ((torch.float32, 'float32'), (torch.float64, 'float64')):
    g = torch.Generator().manual_seed(0)
    for shape in ((20, 1), (20, 3), (20, 8), (10, 37), (4, 100), (1, 500)):
        doc['cases'].append(case(shape, dtype, name, g))
# Along a middle dim (PyTorch's other kernel): [outer, size, inner] tensors, softmax over dim 1.
for dtype, name in ((torch.float32, 'float32'), (torch.float64, 'float64')):
    g = torch.Generator().manual_seed(1)
    for shape in ((2, 37, 12), (2, 5, 3)):
        doc['cases'].append(case(shape, dtype, name, g))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(doc, f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print('wrote', OUT)
