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
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fuzz import BOOL, F32, F64, I64, float32_tol, fuzz_main  # noqa: E402
from fuzz_layout import conv_case, index_case, indexing_case, inplace_case, pool_case, shape_case  # noqa: E402
from ops_table import OPS  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'packages', 'core', 'test', 'fixtures',
                   'fuzz_ops.json')

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


def second_order_case(d):
    """A draw of the differentiable families whose gradients are differentiated once more (create_graph)."""
    drawn = d.pick([unary_case, binary_case, ternary_case, reduction_case, scan_case, product_case, conv_case,
                    pool_case])(d)
    # copysign's second derivative is 0, and what both compute is rounding noise: (±1) / x - result / x². prod's
    # and cumprod's gradients divide the product by x, and their second derivatives amplify its rounding by 1 / x².
    if drawn is None or drawn[0] in ('copysign', 'prod', 'cumprod'):
        return None
    return (*drawn, {'second': True})


def nonfinite_grad_case(d):
    """A draw of the differentiable families whose outputs are weighted with some infinities and NaN: an op must pass
    them on, or stop them, as PyTorch's backward does."""
    # Not conv2d: where a kernel tap meets only padding, PyTorch's weight gradient is 0 and an im2col product's is
    # 0 · inf = NaN; which one a convolution gives depends on its algorithm, not on a rule.
    # Nor softmax: PyTorch's float32 exp rounds the smallest outputs up to subnormals where Kindling's, rounded once,
    # are 0, and an infinite gradient turns that last-bit difference into inf against NaN.
    drawn = d.pick([unary_case, binary_case, ternary_case, reduction_case, scan_case, product_case, pool_case,
                    shape_case, index_case])(d)
    if drawn is None or drawn[0] in ('softmax', 'logSoftmax'):
        return None
    return (*drawn, {'nonfinite': True})


FAMILIES = [(unary_case, 6), (binary_case, 6), (ternary_case, 2), (reduction_case, 5), (scan_case, 3),
            (product_case, 3), (indexing_case, 2), (shape_case, 3), (conv_case, 3), (pool_case, 3), (inplace_case, 3),
            (index_case, 3), (second_order_case, 6), (nonfinite_grad_case, 6)]


def weight_lists(case):
    """The case's output weights, one list per output."""
    w = case['w']
    lists = w if w and isinstance(w[0], list) else [w]
    return [x for x in lists if x is not None]


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
    fuzz_main(OUT, 600, FAMILIES, OPS,
              lambda case: f"{case['op']} {describe(case['args'])}{' (second order)' if 'grads2' in case else ''}"
                           f"{' (non-finite gradients)' if any(isinstance(v, str) for w in weight_lists(case) for v in w) else ''}")
