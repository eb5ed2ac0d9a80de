"""Random op cases checked against real PyTorch: values, dtypes, shapes, grad_fn names and gradients of ops drawn
at random, over random shapes (empty, scalar, broadcast), layouts (transposed, strided slices, expanded), dtypes
(float32, float64, int64, bool) and values (NaN, infinities, signed zeros, ties, subnormals). The cases use the
format of golden.py, so the golden test's runner replays them. Run from the repository root:

    python3 tools/golden/fuzz_ops.py                        # the committed fixture: seed 0, 600 cases
    python3 tools/golden/fuzz_ops.py --seed 7 --cases 5000 --out /tmp/fuzz.json

and replay a file of your own with `KINDLING_FUZZ_FIXTURE=/tmp/fuzz.json npx vitest run packages/core/test/fuzz-ops.test.ts`
(KINDLING_BACKEND picks the backend).
A case PyTorch refuses (an error) is drawn again.
"""
import argparse
import math
import warnings
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from conv_pool import max_pool2d  # noqa: E402
from golden import Arg, Group, run_case, write_fixture  # noqa: E402
from ops_table import OPS, inplace_view  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'core', 'test', 'fixtures',
                   'fuzz_ops.json')

F32, F64, I64, BOOL = torch.float32, torch.float64, torch.int64, torch.bool
SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e30, -1e-40, 3e-39, 88.5, -104.0]

UNARY = ['neg', 'abs', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'sin', 'cos',
         'tanh', 'sigmoid', 'relu', 'erf', 'sign', 'floor', 'ceil', 'round', 'exp2', 'log2', 'log10', 'tan', 'asin',
         'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'deg2rad', 'rad2deg', 'erfc', 'trunc', 'frac',
         'isnan', 'isfinite', 'isinf', 'isposinf', 'isneginf', 'signbit', 'logicalNot']
# Ops PyTorch also takes integer tensors for (promoting to float where the result is not an integer).
UNARY_INT = ['neg', 'abs', 'exp', 'sqrt', 'square', 'sign', 'sin', 'sigmoid', 'relu', 'floor', 'isnan', 'signbit',
             'logicalNot', 'reciprocal', 'log1p']
BINARY_FLOAT = ['atan2', 'hypot', 'logaddexp', 'logaddexp2']
BINARY_SCALAR = ['add', 'sub', 'mul', 'div', 'pow', 'fmod', 'remainder', 'copysign', 'xlogy', 'eq', 'ne', 'lt', 'le',
                 'gt', 'ge', 'maximum', 'minimum', 'logicalAnd', 'logicalOr']
# Ops whose second operand must be a tensor in PyTorch.
TENSOR_ONLY = {'maximum', 'minimum', 'logicalAnd', 'logicalOr', 'atan2', 'hypot', 'logaddexp', 'logaddexp2'}
INT_OK = {'add', 'sub', 'mul', 'div', 'fmod', 'remainder', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'maximum', 'minimum',
          'logicalAnd', 'logicalOr', 'pow'}
REDUCE = ['sum', 'mean', 'amax', 'amin', 'nansum', 'nanmean', 'logsumexp']
SINGLE_DIM = ['prod', 'argmax', 'argmin', 'any', 'all']
SCANS = ['cumsum', 'cumprod', 'cummax', 'cummin', 'softmax', 'logSoftmax']


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
            step = self.pick([2, 3])
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


def mixed_precision_tol(args):
    """float32 and float64 arguments together: a float64 gradient may be a float32 one summed over broadcast
    dims, in float32 (PyTorch's order) and then widened, so it carries float32 rounding."""
    tensors = [t for a in args for t in (a.items if isinstance(a, Group) else [a]) if isinstance(t, Arg)]
    dtypes = {t.stored.dtype for t in tensors}
    if not {F32, F64} <= dtypes:
        return None
    return {'rtol': 1e-5, 'atol': 1e-6 * max(t.stored.numel() for t in tensors)}


def unary_case(d):
    op = d.pick(UNARY)
    if op in UNARY_INT and d.chance(0.15):
        dtype = d.pick([I64, BOOL]) if op in ('logicalNot', 'isnan', 'signbit', 'abs', 'relu') and d.chance(0.3) else I64
    else:
        dtype = d.float_dtype()
    shape = d.shape()
    if op in ('acosh',) and d.chance(0.5):
        x = (d.positive(shape, F64) + 0.75).to(dtype)
    else:
        x = d.values(shape, dtype)
    return op, [d.arg(x)], {}, None


def binary_case(d):
    op = d.pick(BINARY_SCALAR + BINARY_FLOAT)
    sa, sb = d.broadcast_pair()
    ints = op in INT_OK and d.chance(0.2)
    da = I64 if ints else d.float_dtype()
    db = I64 if ints and d.chance(0.7) else (d.pick([F32, F64, da]) if not ints else d.float_dtype())
    if op in ('logicalAnd', 'logicalOr') and d.chance(0.4):
        da = db = BOOL
    a = d.values(sa, da)
    if op == 'pow' and da == I64:
        b = torch.randint(0, 4, sb, generator=d.gen)
        db = I64
    elif op in ('fmod', 'remainder') and db != I64:
        # no subnormal divisors: PyTorch's vectorised fmod (Sleef) gives NaN there, its scalar loop the remainder
        b = d.values(sb, db)
        b = torch.where(b.abs() < 1e-37, torch.full_like(b, 0.75), b)
    elif op in ('fmod', 'remainder', 'div') and db == I64:
        b = torch.randint(1, 5, sb, generator=d.gen) * (torch.randint(0, 2, sb, generator=d.gen) * 2 - 1)
    else:
        b = d.values(sb, db)
    kwargs = {}
    if op in ('add', 'sub') and d.chance(0.3):
        kwargs['alpha'] = d.pick([2, -1]) if not (da.is_floating_point or db.is_floating_point) else d.pick([0.5, -2.0, 3])
    if op == 'div' and d.chance(0.4):
        kwargs['roundingMode'] = d.pick(['trunc', 'floor'])
    if op not in TENSOR_ONLY and d.chance(0.3):
        integral = da == I64 and (op not in ('fmod', 'remainder', 'div') or d.chance(0.5))
        s = d.scalar(integral)
        if op in ('fmod', 'remainder', 'div') and da == I64 and s == 0:
            s = 3
        return op, [d.arg(a), s], kwargs, None
    return op, [d.arg(a), d.arg(b)], kwargs, None


def ternary_case(d):
    op = d.pick(['where', 'clamp', 'lerp'])
    dtype = d.float_dtype()
    if op == 'where':
        sc, sa = d.broadcast_pair()
        cond = d.values(sc, BOOL)
        a = d.values(sa, dtype)
        b = d.values(d.pick([sa, sc, []]), d.pick([dtype, F32, F64]))
        other = d.arg(b) if d.chance(0.7) else d.scalar()
        return op, [d.arg(cond, grad=False), d.arg(a), other], {}, None
    if op == 'clamp':
        x = d.values(d.shape(), dtype)
        mode = d.pick(['scalars', 'low', 'high', 'tensors'])
        if mode == 'tensors':
            lo = d.values(list(x.shape[-1:]) if x.dim() else [], dtype, 'unit') - 0.5
            hi = lo + d.pick([1.0, -0.5])  # a high bound below the low one: PyTorch takes the high
            return op, [d.arg(x), d.arg(lo), d.arg(hi)], {}, None
        lo = -0.5 if mode in ('scalars', 'low') else None
        hi = 0.75 if mode in ('scalars', 'high') else None
        return op, [d.arg(x), lo, hi], {}, None
    sa, sb = d.broadcast_pair()
    x, end = d.values(sa, dtype), d.values(sb, dtype)
    weight = d.pick([0.25, 0.75, -0.5, 1.5]) if d.chance(0.5) else d.arg(d.values(d.pick([sa, sb, []]), dtype, 'unit'))
    return op, [d.arg(x), d.arg(end), weight], {}, None


def reduction_case(d):
    op = d.pick(REDUCE + SINGLE_DIM + ['var', 'std', 'max', 'min', 'median'])
    shape = d.shape(0, 4)
    dtype = d.float_dtype()
    if op in ('any', 'all') and d.chance(0.5):
        dtype = d.pick([BOOL, I64])
    if op in ('sum', 'prod', 'argmax', 'argmin', 'amax', 'amin', 'max', 'min') and d.chance(0.15):
        dtype = I64
    # median along a dim reports where its value was, which ties leave to PyTorch's selection algorithm
    ordered = op == 'median' and dtype.is_floating_point
    x = d.distinct(shape, dtype) if ordered else d.values(shape, dtype)
    kwargs = {}
    rank = len(shape)
    if op in REDUCE:
        if op == 'logsumexp' or (rank and d.chance(0.7)):
            if rank == 0:
                kwargs['dim'] = d.pick([0, -1])
            elif d.chance(0.4) and rank >= 2:
                kwargs['dim'] = d.r.sample(range(rank), d.r.randint(1, rank))
            else:
                kwargs['dim'] = d.r.randrange(-rank, rank)
            kwargs['keepdim'] = d.chance(0.5)
    elif op in ('var', 'std'):
        if d.chance(0.7):
            kwargs['dim'] = d.r.randrange(-rank, rank) if rank else 0
            kwargs['keepdim'] = d.chance(0.5)
        mode = d.pick(['none', 'unbiased', 'correction'])
        if mode == 'unbiased':
            kwargs['unbiased'] = d.chance(0.5)
        elif mode == 'correction' and 'dim' in kwargs:
            kwargs['correction'] = d.pick([0, 1, 2])
    elif d.chance(0.7):
        kwargs['dim'] = d.r.randrange(-rank, rank) if rank else d.pick([0, -1])
        kwargs['keepdim'] = d.chance(0.5)
    n = math.prod(shape)
    tol = float32_tol(x, n) if dtype == F32 and op not in ('argmax', 'argmin', 'amax', 'amin', 'max', 'min', 'median') else None
    # PyTorch 1.13's median along a dim reads the wrong memory of an expanded input; over all elements its variance
    # of equal values is rounding noise (1e-24), with a gradient from it, where Kindling's is exactly 0
    return op, [d.arg(x, expand=not ordered and op not in ('var', 'std'))], kwargs, tol


def scan_case(d):
    op = d.pick(SCANS + ['kthvalue', 'topk', 'sort', 'argsort'])
    shape = d.shape(1, 4)
    dtype = d.float_dtype()
    rank = len(shape)
    dim = d.r.randrange(-rank, rank)
    if op in ('topk', 'kthvalue'):
        # distinct values: which of equal elements these report is left to PyTorch's selection algorithm
        if shape[dim] == 0:
            shape[dim] = 3
        x = d.distinct(shape, dtype)
        k = d.r.randint(1, shape[dim])
        if op == 'kthvalue':
            return op, [d.arg(x, expand=False), k, dim, d.chance(0.5)], {}, None
        return op, [d.arg(x, expand=False), k, dim], {'largest': d.chance(0.6), 'sorted': True}, None
    if op in ('sort', 'argsort'):
        # ties (and NaNs, several of which tie) only with a stable sort, whose order they do not change
        stable = d.chance(0.6)
        x = d.values(shape, dtype, d.pick(['ties', 'special', 'normal'])) if stable else d.distinct(shape, dtype)
        kwargs = {'descending': d.chance(0.5)}
        if stable:
            kwargs['stable'] = True
        return op, [d.arg(x, expand=stable), dim], kwargs, None
    x = d.values(shape, dtype)
    if op == 'cumprod' and d.chance(0.3):
        x = d.values(shape, dtype, 'ties')  # zeros in a product: the backward's special case
    tol = float32_tol(x, shape[dim]) if dtype == F32 and op in ('cumsum', 'cumprod') else None
    return op, [d.arg(x), dim], {}, tol


def product_case(d):
    op = d.pick(['mm', 'bmm', 'matmul', 'matmul', 'dot', 'mv', 'outer'])
    dtype = d.float_dtype()
    n, m, k = (d.pick([0, 1, 2, 3, 5, 8, 17]) for _ in range(3))
    if op == 'mm':
        sa, sb = [n, k], [k, m]
    elif op == 'bmm':
        b = d.pick([1, 2, 3])
        sa, sb = [b, n, k], [b, k, m]
    elif op == 'dot':
        sa = sb = [k]
    elif op == 'mv':
        sa, sb = [n, k], [k]
    elif op == 'outer':
        sa, sb = [n], [m]
    else:
        batch_a = [d.pick([1, 2, 3]) for _ in range(d.r.randint(0, 2))]
        batch_b = [s if not d.chance(0.3) else 1 for s in batch_a][d.r.randint(0, len(batch_a)):]
        sa = d.pick([[k], batch_a + [n, k]])
        sb = d.pick([[k], batch_b + [k, m]])
    # one dtype: PyTorch refuses mixed ones, except for empty products, where its rules differ by op
    a, b = d.values(sa, dtype, 'normal'), d.values(sb, dtype, 'normal')
    tol = float32_tol(torch.cat([a.reshape(-1).double(), b.reshape(-1).double()]) ** 2, k) if dtype == F32 else None
    return op, [d.arg(a), d.arg(b)], {}, tol


def indexing_case(d):
    op = d.pick(['gather', 'scatter', 'scatterAdd', 'indexSelect', 'maskedFill', 'maskedSelect'])
    shape = d.shape(1, 3)
    shape = [max(s, 1) for s in shape]
    rank = len(shape)
    dtype = d.float_dtype()
    x = d.values(shape, dtype)
    dim = d.r.randrange(-rank, rank)
    if op in ('gather', 'scatter', 'scatterAdd'):
        ishape = [d.r.randint(1, s) for s in shape]
        if op == 'gather':
            ishape[dim] = d.r.randint(1, 5)
        idx = torch.randint(0, shape[dim], ishape, generator=d.gen)
        if op == 'scatter':
            # distinct targets along dim, since PyTorch leaves the winner of a collision undefined
            wide = list(ishape)
            wide[dim] = shape[dim]
            idx = torch.rand(wide, generator=d.gen).argsort(dim).narrow(dim, 0, ishape[dim])
        if op == 'gather':
            return op, [d.arg(x), dim, d.arg(idx, grad=False)], {}, None
        src = d.values(ishape, dtype)
        if op == 'scatter' and d.chance(0.3):
            return op, [d.arg(x), dim, d.arg(idx, grad=False), d.scalar()], {}, None
        return op, [d.arg(x), dim, d.arg(idx, grad=False), d.arg(src)], {}, None
    if op == 'indexSelect':
        idx = torch.randint(0, shape[dim], [d.r.randint(0, 5)], generator=d.gen)
        return op, [d.arg(x), dim, Arg(idx, False)], {}, None
    mshape = list(shape[d.r.randint(0, rank):])
    mask = d.values(mshape, BOOL)
    if op == 'maskedFill':
        return op, [d.arg(x), d.arg(mask, grad=False), d.pick([0.0, -1e30, 2.5])], {}, None
    # PyTorch 1.13 scatters masked_select's gradient into a non-contiguous input in memory order
    # (pytorch/pytorch#99638, fixed in 2.1); Kindling gives the right gradient, so the input stays contiguous
    return op, [Arg(x, True), d.arg(mask, grad=False)], {}, None


def shape_case(d):
    op = d.pick(['cat', 'stack', 'flip', 'roll', 'repeat', 'tile', 'narrow', 'select', 'chunk', 'split', 'permute',
                 'diagonal', 'tril', 'triu', 'diff', 'movedim', 'repeatInterleave', 'unbind', 'flatten'])
    shape = d.shape(1, 4)
    rank = len(shape)
    dtype = d.pick([F32, F64, F64, I64])
    x = d.values(shape, dtype)
    dim = d.r.randrange(-rank, rank)
    if op in ('cat', 'stack'):
        parts = []
        for _ in range(d.r.randint(1, 3)):
            s = list(shape)
            if op == 'cat':
                s[dim] = d.pick([0, 1, 2, 3])
            parts.append(d.arg(d.values(s, dtype)))
        return op, [Group(parts), dim if op == 'cat' else d.r.randrange(-rank - 1, rank + 1)], {}, None
    if op == 'flip':
        return op, [d.arg(x), d.r.sample(range(rank), d.r.randint(1, rank))], {}, None
    if op == 'roll':
        if d.chance(0.3):
            return op, [d.arg(x), d.r.randint(-5, 5)], {}, None
        dims = d.r.sample(range(rank), d.r.randint(1, rank))
        return op, [d.arg(x), [d.r.randint(-5, 5) for _ in dims], dims], {}, None
    if op in ('repeat', 'tile'):
        reps = [d.pick([1, 2, 3]) for _ in range(rank + d.r.randint(0 if op == 'repeat' else -1, 1))]
        return op, [d.arg(x), reps[: max(len(reps), 1)] if op == 'tile' else reps], {}, None
    if op == 'narrow':
        size = shape[dim]
        start = d.r.randint(0, size)
        return op, [d.arg(x), dim, start, d.r.randint(0, size - start)], {}, None
    if op == 'select':
        if shape[dim] == 0:
            return None
        return op, [d.arg(x), dim, d.r.randint(-shape[dim], shape[dim] - 1)], {}, None
    if op == 'chunk':
        return op, [d.arg(x), d.r.randint(1, 4), dim], {}, None
    if op == 'split':
        if d.chance(0.5) or shape[dim] == 0:
            return op, [d.arg(x), d.r.randint(1, 3), dim], {}, None
        sizes, left = [], shape[dim]
        while left:
            s = d.r.randint(0, left)
            sizes.append(s)
            left -= s
        return op, [d.arg(x), sizes, dim], {}, None
    if op == 'permute':
        return op, [d.arg(x), d.r.sample(range(rank), rank)], {}, None
    if op in ('diagonal', 'tril', 'triu'):
        if rank < 2:
            return None
        if op == 'diagonal':
            a, b = d.r.sample(range(rank), 2)
            return op, [d.arg(x), d.r.randint(-3, 3), a, b], {}, None
        return op, [d.arg(x), d.r.randint(-3, 3)], {}, None
    if op == 'diff':
        return op, [d.arg(x), d.r.randint(1, 3), dim], {}, None
    if op == 'movedim':
        return op, [d.arg(x), dim, d.r.randrange(-rank, rank)], {}, None
    if op == 'repeatInterleave':
        if d.chance(0.5):
            return op, [d.arg(x), d.r.randint(0, 3), dim], {}, None
        reps = torch.randint(0, 4, [shape[dim]], generator=d.gen)
        return op, [d.arg(x), Arg(reps, False), dim], {}, None
    if op == 'unbind':
        return op, [d.arg(x), dim], {}, None
    a = d.r.randrange(rank)
    return op, [d.arg(x), a, d.r.randint(a, rank - 1)], {}, None


def image(d, n, c, h, w, dtype, kind='normal', channels_last=True):
    """An (n, c, h, w) input, stored contiguous or channels-last (seen through two transposes) or sliced."""
    x = d.values([n, c, h, w], dtype, kind)
    if channels_last and d.chance(0.25):
        return Arg(x.permute(0, 2, 3, 1).contiguous(), True,
                   [{'kind': 'transpose', 'dims': [1, 3]}, {'kind': 'transpose', 'dims': [2, 3]}])
    return d.arg(x, expand=kind != 'distinct')


def conv_case(d):
    dtype = d.float_dtype()
    groups = d.pick([1, 1, 1, 2, 3])
    cin, cout = groups * d.pick([1, 2, 3]), groups * d.pick([1, 2])
    n, h, w = d.pick([1, 2]), d.r.randint(1, 9), d.r.randint(1, 9)
    kh, kw = d.r.randint(1, 3), d.r.randint(1, 3)
    kwargs = {'groups': groups} if groups > 1 or d.chance(0.3) else {}
    if d.chance(0.2):
        kwargs['padding'] = d.pick(['same', 'valid'])
    else:
        kwargs['stride'] = d.pick([1, 2, [1, 2], 3])
        kwargs['padding'] = d.pick([0, 1, [0, 2], 2])
    kwargs['dilation'] = d.pick([1, 1, 2, [2, 1]])
    x = image(d, n, cin, h, w, dtype)
    w = d.values([cout, cin // groups, kh, kw], dtype, 'normal')
    # grouped: PyTorch 1.13 computes a channels-last input with a weight whose strides also read as channels-last
    # wrongly, so the weight stays contiguous there
    weight = Arg(w, True) if groups > 1 else d.arg(w)
    bias = d.arg(d.values([cout], dtype, 'normal')) if d.chance(0.6) else None
    tol = float32_tol(torch.cat([x.stored.reshape(-1).double(), weight.stored.reshape(-1).double()]) ** 2,
                      cin // groups * kh * kw) if dtype == F32 else None
    return 'conv2d', [x, weight, bias], kwargs, tol


def pool_case(d):
    op = d.pick(['maxPool2d', 'maxPool2d', 'avgPool2d', 'avgPool2d', 'adaptiveAvgPool2d', 'adaptiveMaxPool2d'])
    dtype = d.float_dtype()
    n, c, h, w = d.pick([1, 2]), d.pick([1, 2, 3]), d.r.randint(1, 9), d.r.randint(1, 9)
    # distinct values where a maximum is picked: the index among equal maxima is PyTorch's loop order
    kind = 'distinct' if 'Max' in op or 'max' in op else d.pick(['normal', 'ties', 'special'])
    # PyTorch's 1x1 adaptive average of a channels-last input is a mean restrided in place (AsStridedBackward1);
    # Kindling has no memory formats, and records the mean
    x = image(d, n, c, h, w, dtype, kind, channels_last=op != 'adaptiveAvgPool2d')
    if op.startswith('adaptive'):
        size = d.pick([1, 2, 3, [2, 3], [h, 1], [3, w]])
        return op, [x, size], ({'returnIndices': True} if op == 'adaptiveMaxPool2d' and d.chance(0.3) else {}), None
    k = d.pick([1, 2, 3, [2, 3]])
    kmin = min(k) if isinstance(k, list) else k
    kwargs = {'stride': d.pick([None, 1, 2, [2, 1]]), 'padding': d.r.randint(0, kmin // 2), 'ceilMode': d.chance(0.3)}
    if op == 'maxPool2d':
        kwargs['dilation'] = d.pick([1, 1, 2])
        if d.chance(0.3):
            kwargs['returnIndices'] = True
        # a window wholly in the padding: PyTorch 1.13 adds its gradient into the next plane
        try:
            probe = max_pool2d(torch.ones(1, 1, h, w), k, kwargs['stride'], kwargs['padding'], kwargs['dilation'],
                               kwargs['ceilMode'])
        except RuntimeError:
            return None
        if torch.isinf(probe).any():
            return None
    else:
        kwargs['countIncludePad'] = d.chance(0.5)
        if d.chance(0.2):
            kwargs['divisorOverride'] = d.pick([1, 3])
    return op, [x, k], kwargs, None


def inplace_case(d):
    """An in-place op on the whole of a copy of x, its transpose or a strided slice of it."""
    op = d.pick(['add_', 'sub_', 'mul_', 'div_', 'pow_', 'neg_', 'abs_', 'exp_', 'log_', 'sqrt_', 'relu_', 'sigmoid_',
                 'tanh_', 'clamp_', 'zero_', 'fill_', 'copy_', 'maskedFill_', 'lerp_'])
    dtype = d.float_dtype()
    shape = [max(s, 1) for s in d.shape(1, 3)]
    view = d.pick(['none', 'transpose', 'slice'])
    x = d.values(shape, dtype)
    target = inplace_view(x, view)
    tshape = list(target.shape)
    operand = lambda kind=None: d.arg(d.values(tshape[d.r.randint(0, len(tshape)):], d.pick([dtype, F32]), kind))
    if op in ('add_', 'sub_', 'mul_', 'div_'):
        args = [operand() if d.chance(0.7) else d.scalar()]
    elif op == 'pow_':
        args = [d.pick([2, 3, 0.5, -1.5])]
    elif op == 'clamp_':
        args = [d.pick([-0.5, None]), d.pick([0.75, None, 2.5])]
    elif op == 'fill_':
        args = [d.scalar()]
    elif op == 'copy_':
        args = [operand()]
    elif op == 'maskedFill_':
        args = [d.arg(d.values(tshape[d.r.randint(0, len(tshape)):], BOOL), grad=False), d.pick([0.0, 2.5, -1e30])]
    elif op == 'lerp_':
        args = [d.arg(d.values(tshape, dtype)), d.pick([0.25, 0.75])]
    else:
        args = []
    return 'inplace', [d.arg(x), op, view] + args, {}, None


def index_case(d):
    """x[...] with a random mix of integers, slices (negative bounds and steps), index tensors (negative, repeated,
    broadcasting), a bool mask, None and Ellipsis, as Python spells it."""
    dtype = d.float_dtype()
    shape = [max(s, 1) for s in d.shape(1, 4)]
    x = d.values(shape, dtype)
    specs, dim, tensors = [], 0, 0
    while dim < len(shape) and len(specs) < len(shape) + 1:
        size = shape[dim]
        kind = d.pick(['int', 'slice', 'slice', 'tensor', 'tensor', 'mask', 'none', 'ellipsis'])
        if kind == 'int':
            specs.append(d.r.randint(-size, size - 1))
        elif kind == 'slice':
            start = d.pick(['', str(d.r.randint(-size, size))])
            stop = d.pick(['', str(d.r.randint(-size, size))])
            step = d.pick(['', '2', '3'])
            specs.append(f'{start}:{stop}' + (f':{step}' if step else ''))
        elif kind == 'tensor' and tensors < 2:
            ishape = d.pick([[d.r.randint(1, 4)], [d.r.randint(1, 3), 1], [1, d.r.randint(1, 3)]])
            specs.append(Arg(torch.randint(-size, size, ishape, generator=d.gen), False))
            tensors += 1
        elif kind == 'mask' and tensors == 0:
            specs.append(Arg(torch.rand([size], generator=d.gen) < 0.5, False))
            tensors += 1
        elif kind == 'none':
            specs.append(None)
            continue
        elif kind == 'ellipsis' and '...' not in specs:
            specs.append('...')
            dim = len(shape) - d.r.randint(0, len(shape) - dim)
            continue
        else:
            specs.append(':')
        dim += 1
    return 'index', [d.arg(x)] + specs, {}, None


FAMILIES = [(unary_case, 6), (binary_case, 6), (ternary_case, 2), (reduction_case, 5), (scan_case, 3),
            (product_case, 3), (indexing_case, 2), (shape_case, 3), (conv_case, 3), (pool_case, 3), (inplace_case, 3),
            (index_case, 3)]


def draw_cases(seed, count, families, ops, label):
    """`count` cases from the weighted `families` (functions of a Draw giving (op, args, kwargs, tol) or None),
    each run by PyTorch through `ops`; a draw PyTorch refuses is drawn again. `label(case)` names a case after its
    number."""
    d = Draw(seed)
    pool = [f for f, w in families for _ in range(w)]
    out = []
    while len(out) < count:
        drawn = d.pick(pool)(d)
        if drawn is None:
            continue
        op, args, kwargs, tol = drawn
        number = f'{len(out):04d}'
        try:
            case = run_case(number, op, ops[op], args, kwargs, tol=tol or mixed_precision_tol(args),
                            seed=seed * 100003 + len(out))
        except (RuntimeError, ValueError, IndexError, TypeError):
            continue
        case['name'] = f'{number} {label(case)}'
        out.append(case)
    return out


def fuzz_main(default_out, default_count, families, ops, label):
    """The command line of a fuzz script: --seed, --cases, --out (the committed fixture by default)."""
    p = argparse.ArgumentParser()
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--cases', type=int, default=default_count)
    p.add_argument('--out', default=default_out)
    a = p.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter('ignore')  # PyTorch's warnings about what is drawn on purpose (broadcast targets, ...)
    drawn = draw_cases(a.seed, a.cases, families, ops, label)
    write_fixture(a.out, {'torch': torch.__version__, 'seed': a.seed, 'cases': drawn}, fresh=a.out != default_out)
    print(f'wrote {len(drawn)} cases to {os.path.normpath(a.out)}')


def describe(args):
    """A short readable summary of a case's tensor arguments: dtype, shape and view."""
    parts = []
    for a in args:
        specs = a['list'] if isinstance(a, dict) and 'list' in a else [a] if isinstance(a, dict) and 'values' in a else []
        for s in specs:
            tr = s.get('transform')
            view = f" {tr['kind']}" if isinstance(tr, dict) else ''
            parts.append(f"{s['dtype']}{s['shape']}{view}")
        if not specs:
            parts.append(repr(a))
    return ', '.join(parts)


if __name__ == '__main__':
    fuzz_main(OUT, 600, FAMILIES, OPS, lambda case: f"{case['op']} {describe(case['args'])}")
