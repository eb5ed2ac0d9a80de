"""Input makers for the golden cases: moderate values, kept away from kinks and ties unless a case tests them."""
import torch

from golden import Arg

f32 = torch.float32
f64 = torch.float64
i64 = torch.int64


def u(*shape, lo=-2.0, hi=2.0, dtype=f32):
    """Uniform values in [lo, hi)."""
    return (torch.rand(shape, dtype=f64) * (hi - lo) + lo).to(dtype)


def away(*shape, lo=0.25, hi=2.0, dtype=f32):
    """Values with |v| in [lo, hi) and random signs: away from the kinks of abs, relu, sign, reciprocal."""
    mag = torch.rand(shape, dtype=f64) * (hi - lo) + lo
    sign = torch.where(torch.rand(shape) < 0.5, -1.0, 1.0).to(f64)
    return (mag * sign).to(dtype)


def pos(*shape, lo=0.5, hi=3.0, dtype=f32):
    return u(*shape, lo=lo, hi=hi, dtype=dtype)


def distinct(*shape, dtype=f32):
    """Distinct values (spacing >= 0.1), in random order: no ties for max/min/sort/topk."""
    n = 1
    for s in shape:
        n *= s
    base = torch.randperm(n).to(f64) * 0.25 - n * 0.125
    jitter = torch.rand(n, dtype=f64) * 0.1
    return (base + jitter).reshape(shape).to(dtype)


def fractional(*shape, dtype=f32):
    """Values at least 0.1 away from integers and half-integers (floor, ceil, round, trunc division)."""
    whole = torch.randint(-4, 4, shape).to(f64)
    frac = torch.tensor([0.15, 0.3, 0.4, 0.6, 0.7, 0.85], dtype=f64)[torch.randint(0, 6, shape)]
    return (whole + frac).to(dtype)


def ints(lo, hi, *shape, dtype=i64):
    return torch.randint(lo, hi, shape).to(dtype)


def g(x):
    """A leaf that requires grad."""
    return Arg(x, grad=True)


def n(x):
    """A leaf that does not require grad (index tensors, masks, integer and bool data)."""
    return Arg(x, grad=False)
