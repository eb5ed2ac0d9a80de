"""The machinery of the random-case scripts (fuzz_ops.py, fuzz_nn.py): drawing shapes, views and values, the
float32 tolerances, and the loop that runs each draw through PyTorch into golden.py's case format."""
import argparse
import math
import os
import random
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from golden import Arg, Group, run_case, write_fixture  # noqa: E402

F32, F64, I64, BOOL = torch.float32, torch.float64, torch.int64, torch.bool
SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e30, -1e-40, 3e-39, 88.5, -104.0]

class Draw:
    """The random choices of one fixture: shapes, layouts and values."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.gen = torch.Generator().manual_seed(seed)

    def pick(self, xs):
        return xs[self.r.randrange(len(xs))]

    def chance(self, p):
        return self.r.random() < p

    def shape(self, lo=0, hi=4, empty=0.05, most=96):
        rank = self.r.randint(lo, hi)
        dims = [self.pick([1, 2, 3, 4, 5, 7]) for _ in range(rank)]
        while math.prod(dims) > most:
            dims[self.r.randrange(rank)] = self.pick([1, 2, 3])
        if dims and self.chance(empty):
            dims[self.r.randrange(rank)] = 0
        return dims

    def values(self, shape, dtype, kind=None):
        """Float values of one of several kinds; integers and bools in small ranges."""
        if dtype == BOOL:
            return torch.rand(shape, generator=self.gen) < 0.5
        if dtype == I64:
            return torch.randint(-6, 7, shape, generator=self.gen)
        kind = kind or self.pick(['normal', 'normal', 'wide', 'unit', 'ties', 'special'])
        if kind == 'distinct':
            return self.distinct(shape, dtype)
        n = math.prod(shape)
        if kind == 'normal':
            x = torch.randn(shape, generator=self.gen, dtype=F64) * self.pick([1.0, 1.0, 3.0, 1e-3])
        elif kind == 'wide':
            x = torch.randn(shape, generator=self.gen, dtype=F64) * torch.pow(10.0, torch.randint(-8, 9, shape, generator=self.gen).double())
        elif kind == 'unit':
            x = torch.rand(shape, generator=self.gen, dtype=F64) * 2 - 1
        elif kind == 'ties':
            x = torch.randint(-3, 4, shape, generator=self.gen).double() * 0.5
        else:
            x = torch.randn(shape, generator=self.gen, dtype=F64)
            flat = x.reshape(-1)
            for i in range(n):
                if self.chance(0.3):
                    flat[i] = self.pick(SPECIAL)
        return x.to(dtype)

    def positive(self, shape, dtype):
        return (torch.rand(shape, generator=self.gen, dtype=F64) * 3 + 0.25).to(dtype)

    def distinct(self, shape, dtype):
        n = math.prod(shape)
        perm = torch.randperm(max(n, 1), generator=self.gen)[:n].double()
        return (perm * 0.5 - n * 0.25 + 0.125).reshape(shape).to(dtype)

    def arg(self, x, grad=None, layout=True, expand=True):
        """x as an argument, stored so that the op may see it through a non-contiguous view (`layout`), an
        expanded one among them (`expand`: repeated values)."""
        grad = x.is_floating_point() if grad is None else grad
        if not layout or x.dim() == 0:
            return Arg(x, grad)
        choice = self.pick(['plain', 'plain', 'transpose', 'slice'] + (['expand'] if expand else []))
        if choice == 'transpose' and x.dim() >= 2:
            a, b = self.r.sample(range(x.dim()), 2)
            return Arg(x.transpose(a, b).contiguous(), grad, {'kind': 'transpose', 'dims': [a, b]})
        if choice == 'slice':
            d = self.r.randrange(x.dim())
            # step 1: a view into a larger storage at an offset, contiguous when it slices dim 0
            step = self.pick([1, 2, 3])
            start = self.r.randint(0, 2)
            size = x.shape[d]
            full_shape = list(x.shape)
            full_shape[d] = start + step * size + self.r.randint(0, 1)
            full = self.values(full_shape, x.dtype, 'normal')
            index = (slice(None),) * d + (slice(start, start + step * size, step),)
            full[index] = x
            return Arg(full, grad, {'kind': 'slice', 'dim': d, 'start': start, 'end': start + step * size, 'step': step})
        if choice == 'expand' and any(s > 1 for s in x.shape):
            # the stored base holds the first entry of one or more dims, which the view repeats
            dims = [d for d, s in enumerate(x.shape) if s > 1]
            pick = self.r.sample(dims, self.r.randint(1, len(dims)))
            base = x[tuple(slice(0, 1) if d in pick else slice(None) for d in range(x.dim()))].contiguous()
            return Arg(base, grad, {'kind': 'expand', 'shape': list(x.shape)})
        return Arg(x, grad)

    def broadcast_pair(self):
        """Two shapes that broadcast together."""
        out = self.shape(0, 4)
        a = [s if not self.chance(0.25) else 1 for s in out]
        b = [s if not self.chance(0.25) else 1 for s in out]
        a = a[self.r.randint(0, len(a)):] if self.chance(0.3) else a
        b = b[self.r.randint(0, len(b)):] if self.chance(0.3) else b
        return a, b

    def float_dtype(self):
        return self.pick([F32, F32, F64])

    def scalar(self, integral=False):
        # JSON cannot tell 2.0 from 2 (nor JavaScript), so a float scalar is never integral
        if integral:
            return self.pick([-3, -1, 0, 2, 5])
        return self.pick([0.5, -1.5, 3.25, 1e-3, -2.75])


def float32_tol(x, n):
    """Tolerance for float32 results that sum n terms of magnitude up to |x|'s largest: PyTorch's summation order
    is its own, and cancellation leaves absolute, not relative, differences."""
    finite = x[torch.isfinite(x)] if x.is_floating_point() else x.double()
    scale = float(finite.abs().max()) if finite.numel() else 1.0
    return {'rtol': 1e-5, 'atol': max(1e-6, 1e-6 * scale * max(n, 1))}


def loss_tol(*tensors, degree=1):
    """float32 results that sum every element (losses; with `degree` 2, sums of products of two inputs): rounding
    grows with the count and the largest magnitude."""
    floats = [t for t in tensors if t is not None and t.is_floating_point()]
    if not any(t.dtype == F32 for t in floats):
        return None
    n = max(t.numel() for t in floats)
    finite = [t[torch.isfinite(t)].abs().max().item() for t in floats if torch.isfinite(t).any()]
    scale = max(finite + [1.0])
    return {'rtol': 1e-4, 'atol': 1e-5 * scale ** degree * max(n, 1)}


def mixed_precision_tol(args):
    """float32 and float64 arguments together: a float64 gradient may be a float32 one summed over broadcast
    dims, in float32 (PyTorch's order) and then widened, so it carries float32 rounding."""
    tensors = [t for a in args for t in (a.items if isinstance(a, Group) else [a]) if isinstance(t, Arg)]
    dtypes = {t.stored.dtype for t in tensors}
    if not {F32, F64} <= dtypes:
        return None
    return {'rtol': 1e-5, 'atol': 1e-6 * max(t.stored.numel() for t in tensors)}


def draw_cases(seed, count, families, ops, label):
    """`count` cases from the weighted `families` (functions of a Draw giving (op, args, kwargs, tol), with a dict of
    run_case's options after them where a family sets one, or None),
    each run by PyTorch through `ops`; a draw PyTorch refuses is drawn again. `label(case)` names a case after its
    number."""
    d = Draw(seed)
    pool = [f for f, w in families for _ in range(w)]
    out = []
    while len(out) < count:
        drawn = d.pick(pool)(d)
        if drawn is None:
            continue
        op, args, kwargs, tol = drawn[:4]
        extra = drawn[4] if len(drawn) > 4 else {}
        number = f'{len(out):04d}'
        try:
            case = run_case(number, op, ops[op], args, kwargs, tol=tol or mixed_precision_tol(args),
                            seed=seed * 100003 + len(out), **extra)
        except (RuntimeError, ValueError, IndexError, TypeError):
            continue
        case['name'] = f'{number} {label(case)}'
        out.append(case)
    return out


def fuzz_args(default_out, default_count):
    """The command line of a fuzz script: --seed, --cases, --out (the committed fixture by default). PyTorch runs
    on one thread, and its warnings about what is drawn on purpose (broadcast targets, deprecated calls) are off."""
    p = argparse.ArgumentParser()
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--cases', type=int, default=default_count)
    p.add_argument('--out', default=default_out)
    a = p.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter('ignore')
    return a


def fuzz_main(default_out, default_count, families, ops, label):
    """Draws an op fuzz script's cases in golden.py's format and writes them."""
    a = fuzz_args(default_out, default_count)
    drawn = draw_cases(a.seed, a.cases, families, ops, label)
    write_fixture(a.out, {'torch': torch.__version__, 'seed': a.seed, 'cases': drawn}, fresh=a.out != default_out)
    print(f'wrote {len(drawn)} cases to {os.path.normpath(a.out)}')
