"""Tensors printed at random against PyTorch 1.13's repr: shapes up to four dims (long enough to be summarised),
dtypes, values over every magnitude (integers, ties, 1e-12 to 1e12, negative zeros, NaN, infinities) and print options
(precision, threshold, edge items, line width, scientific mode), in printing.py's case format.

    /usr/bin/python3 tools/golden/fuzz_printing.py [--seed S] [--cases N] [--out FILE]

Writes packages/core/test/fixtures/fuzz_printing.json (seed 0) by default, replayed by
packages/core/test/fuzz-printing.test.ts; `KINDLING_FUZZ_FIXTURE=FILE` replays another draw.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import printing  # noqa: E402
from fuzz import Draw, fuzz_args  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'test', 'fixtures',
                   'fuzz_printing.json')
SPECIAL = [math.nan, math.inf, -math.inf, -0.0, 0.0]


def shape(d):
    rank = d.pick([0, 1, 1, 2, 2, 3, 4])
    if d.chance(0.15):  # past the default threshold of 1000 elements: summarised
        return [d.r.randint(1001, 1500)] if rank <= 1 else [d.r.randint(30, 40), d.r.randint(30, 40)]
    return [d.pick([1, 2, 3, 4, 5, 7, 12]) for _ in range(rank)]


def values(d, dims, dtype):
    n = math.prod(dims)
    if dtype == torch.bool:
        return torch.rand(dims, generator=d.gen) < 0.5
    if dtype in (torch.int32, torch.int64):
        high = d.pick([10, 1000, 10**6, 2**31 - 1])
        return torch.randint(-high, high, dims, generator=d.gen, dtype=dtype)
    kind = d.pick(['normal', 'integral', 'ties', 'wide', 'tiny', 'huge', 'special'])
    x = torch.randn(dims, generator=d.gen, dtype=torch.float64)
    if kind == 'integral':
        x = x.mul(d.pick([3, 100, 1e5])).round()
    elif kind == 'ties':
        x = torch.randint(-8, 9, dims, generator=d.gen).double() * d.pick([0.5, 0.25, 0.125, 0.05])
    elif kind == 'wide':
        x = x * torch.pow(10.0, torch.randint(-12, 13, dims, generator=d.gen).double())
    elif kind == 'tiny':
        x = x * d.pick([1e-3, 1e-5, 1e-9])
    elif kind == 'huge':
        x = x * d.pick([1e4, 1e8, 1e12])
    elif kind == 'special' and n:
        flat = x.reshape(-1)
        for i in range(n):
            if d.chance(0.3):
                flat[i] = d.pick(SPECIAL)
    else:
        x = x * d.pick([1.0, 10.0])
    return x.to(dtype)


def options(d):
    out = {}
    if d.chance(0.15):
        out['precision'] = d.pick([0, 1, 2, 6, 8])
    if d.chance(0.15):
        out['threshold'] = d.pick([5, 10, 50])
    if d.chance(0.15):
        out['edgeitems'] = d.pick([1, 2, 4])
    if d.chance(0.15):
        out['linewidth'] = d.pick([20, 40, 120])
    if d.chance(0.15):
        out['sci_mode'] = d.pick([True, False])
    if d.chance(0.05):
        out['profile'] = d.pick(['short', 'full'])
    return out or None


def draw_case(d, index):
    dtype = d.pick([torch.float32, torch.float32, torch.float64, torch.int64, torch.int32, torch.bool])
    t = values(d, shape(d), dtype)
    if dtype.is_floating_point and d.chance(0.2):
        t = t.requires_grad_() * 1 if d.chance(0.5) else t.requires_grad_()
    printing.add(f'{index} {str(dtype)[6:]} {list(t.shape)}', t, options(d))


def main():
    args = fuzz_args(OUT, 150)
    d = Draw(args.seed)
    printing.cases.clear()
    for i in range(args.cases):
        draw_case(d, i)
    with open(args.out, 'w') as f:
        json.dump({'torch': torch.__version__, 'seed': args.seed, 'cases': printing.cases}, f, separators=(',', ':'))
    print(f'wrote {len(printing.cases)} cases to {os.path.normpath(args.out)}')


if __name__ == '__main__':
    main()
