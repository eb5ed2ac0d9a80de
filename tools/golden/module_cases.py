"""What the module fixtures (attention.py, transformer.py, rnn.py) share: a tensor as JSON, and the fixture file."""
import json
import math
import os

import torch


def enc(t):
    """A tensor as {values (flat; non-finite as "nan", "inf", "-inf"), shape, dtype}."""
    t = t.detach()
    values = [v if math.isfinite(v) else ('nan' if v != v else ('inf' if v > 0 else '-inf'))
              for v in t.reshape(-1).tolist()]
    return {'values': values, 'shape': list(t.shape), 'dtype': str(t.dtype).replace('torch.', '')}


def write_cases(out, cases, **extra):
    """Writes {'torch', 'cases', **extra} to `out` and says so."""
    with open(out, 'w') as f:
        json.dump({'torch': torch.__version__, 'cases': cases, **extra}, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {len(cases)} cases to {os.path.normpath(out)}')
