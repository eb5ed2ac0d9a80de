"""Golden fixtures for tensor printing: PyTorch 1.13's repr(tensor).

Regenerate with:

    /usr/bin/python3 tools/golden/printing.py

It writes packages/core/test/fixtures/printing.json, an array of cases:

    {
      "name":         str,
      "shape":        [int, ...],
      "dtype":        "float32" | "float64" | "int32" | "int64" | "bool",
      "values":       flat row-major list; bool as 0/1, finite numbers as JSON numbers (-0.0 kept as -0.0),
                      non-finite values as the strings "nan", "inf" and "-inf",
      "requiresGrad": bool,
      "gradFnName":   str | null  (type(t.grad_fn).__name__),
      "options":      optional dict of torch.set_printoptions keyword arguments used for this case,
      "expected":     repr(t)
    }

float32 values are written as the doubles they widen to, so they read back exactly.
"""

import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "core", "test", "fixtures", "printing.json")

DTYPE_NAMES = {
    torch.float32: "float32",
    torch.float64: "float64",
    torch.int32: "int32",
    torch.int64: "int64",
    torch.bool: "bool",
}

cases = []


def encode(v):
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, int):
        # Kindling keeps int64 in doubles: only exactly representable integers can round-trip.
        assert int(float(v)) == v, v
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def add(name, t, options=None):
    flat = t.detach().reshape(-1).tolist()
    if options:
        torch.set_printoptions(**options)
    try:
        expected = repr(t)
    finally:
        torch.set_printoptions(profile="default")
    case = {
        "name": name,
        "shape": list(t.shape),
        "dtype": DTYPE_NAMES[t.dtype],
        "values": [encode(v) for v in flat],
        "requiresGrad": bool(t.requires_grad),
        "gradFnName": type(t.grad_fn).__name__ if t.grad_fn is not None else None,
        "expected": expected,
    }
    if options:
        case["options"] = options
    cases.append(case)


def main():
    f32, f64, i32, i64, b = torch.float32, torch.float64, torch.int32, torch.int64, torch.bool
    nan, inf = float("nan"), float("inf")
    T = torch.tensor

    # 0-d
    add("0d float int-valued", T(3.0))
    add("0d float fractional", T(3.5))
    add("0d int64", T(2))
    add("0d int32", T(-7, dtype=i32))
    add("0d bool", T(True))
    add("0d float64", T(1.5, dtype=f64))
    add("0d nan", T(nan))
    add("0d -inf", T(-inf))
    add("0d negative zero", T(-0.0))
    add("0d tiny", T(1e-5))
    add("0d huge", T(1e10))
    add("0d float32 one third", T(1.0 / 3.0))

    # 1-d basics
    add("1d int mode", T([1.0, 2.0]))
    add("1d fractional", T([1.5, -2.25, 3.0]))
    add("1d int mode widths", T([1.0, 10.0, 100.0, -1000.0]))
    add("1d negatives", T([-1.5, -0.25, -100.125]))
    add("1d float32 inexact", T([0.1, 0.2, 0.3]))
    add("1d all zeros", torch.zeros(5))
    add("1d all ones", torch.ones(4))
    add("1d int64", T([1, -20, 300]))
    add("1d int32", T([1, -20, 300], dtype=i32))
    add("1d int64 big", T([2**60, -(2**63), 1, 2**53]))
    add("1d bool", T([True, False, True]))
    add("1d bool all true", T([True, True]))

    # rounding ties on the exact binary value
    add("tie 1.03125 float64", T([1.03125], dtype=f64))
    add("tie 1.03125 float32", T([1.03125, 2.0]))
    add("tie 2.5 fixed", T([2.5, 0.5]))
    add("tie 0.00015 float64", T([0.00015], dtype=f64))
    add("tie 0.00015 float32", T([0.00015]))
    add("tie 123456.5", T([123456.5], dtype=f64))
    add("tie 2.675 float64", T([2.675, 1.00005, 0.12345], dtype=f64))
    add("tie precision 0", T([0.5, 1.5, 2.5, 3.5]), {"precision": 0})
    add("sci rounds into next power", T([99999.5, 0.5], dtype=f64))
    add("sci 9.99995e-5", T([9.99995e-5], dtype=f64))

    # scientific notation
    add("sci tiny", T([1e-5, 2e-5]))
    add("sci tiny only", T([1e-5]))
    add("sci huge", T([1e9, 2.5]))
    add("sci int mode ratio", T([1.0, 1e5]))
    add("int mode 1e8 stays fixed", T([1e8, 2e5], dtype=f64))
    add("int mode above 1e8", T([1e8 + 1, 2e5], dtype=f64))
    add("float32 123456789", T([123456789.0]))
    add("sci mixed magnitudes", T([0.001, 1000.0, -3.25]))
    add("sci with zero and negative zero", T([0.0, -0.0, 1e-5]))
    add("float64 subnormal", T([5e-324, 1.0], dtype=f64))
    add("float64 1e300", T([1e300, -1.0], dtype=f64))

    # negative zero
    add("negative zero int mode", T([-0.0, 1.0]))
    add("negative zero fixed", T([-0.0, 1.5]))
    add("negative zero only", T([-0.0, 0.0]))

    # non-finite
    add("nan with int mode", T([nan, 1.0, inf]))
    add("nan fixed", T([nan, 1.5, -inf]))
    add("nan only", T([nan, nan]))
    add("inf only", T([inf, -inf]))
    add("zero and nan", T([0.0, nan]))
    add("nan sci", T([nan, 1e-6, -inf, 3.0]))
    add("nan 2d", T([[nan, 2.0], [3.0, -inf]]))

    # 2-d and up
    torch.manual_seed(0)
    add("randn 4x5", torch.randn(4, 5))
    add("arange 3x4", torch.arange(12.0).view(3, 4))
    add("int 3x4", torch.arange(12).view(3, 4) - 5)
    add("bool 2x3", T([[True, False, True], [False, False, True]]))
    add("zeros 2x3", torch.zeros(2, 3))
    add("ones 2x2 float64", torch.ones(2, 2, dtype=f64))
    add("3d float", torch.arange(24.0).view(2, 3, 4) / 4)
    add("3d int32", torch.arange(24, dtype=i32).view(2, 3, 4))
    add("4d", torch.randn(2, 2, 2, 3))
    add("2d column", T([[1.5], [2.0], [-3.0]]))
    add("2d sci", torch.randn(3, 3) * 1e-6)
    add("2d wide wraps", torch.randn(2, 15))

    # empty
    add("empty 1d", T([]))
    add("empty 0x3", torch.zeros(0, 3))
    add("empty int64", T([], dtype=i64))
    add("empty bool", T([], dtype=b))
    add("empty float64 2x0x3", torch.zeros(2, 0, 3, dtype=f64))
    add("empty int32", torch.zeros(0, dtype=i32))

    # summarised
    add("summarised 1d arange", torch.arange(2000.0))
    add("summarised 50x50", torch.randn(50, 50))
    add("summarised 3d", torch.randn(12, 10, 10))
    add("summarised int 1001", torch.arange(1001))
    add("summarised bool", torch.arange(1200) % 3 == 0)
    add("summarised float64 sci", torch.randn(1001, dtype=f64) * 1e-5)
    add("summarised 2x600", torch.randn(2, 600))
    add("summarised 4d", torch.randn(4, 4, 8, 8))
    add("summarised hidden large value", torch.cat([torch.ones(3), torch.full((1000,), 1e9), torch.ones(3)]))

    # line wrapping
    add("long randn 30", torch.randn(30))
    add("long int 40", torch.arange(40) * 7 - 100)
    add("long int mode 25", torch.arange(25.0))
    add("long large magnitudes 20", torch.randn(20) * 1e6)

    # autograd suffixes
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    add("requires_grad", x)
    add("grad_fn mul", x * 2)
    add("grad_fn view", (x + 1).view(3, 1))
    add("grad_fn sum 0d", (x * x).sum())
    add("requires_grad float64 long", torch.randn(30, dtype=f64, requires_grad=True))
    add("grad_fn float64 long", torch.randn(30, dtype=f64, requires_grad=True) * 3)
    add("requires_grad 2d", torch.randn(3, 4, requires_grad=True))
    add("float64 suffix wraps", torch.randn(7, dtype=f64) * 10)
    add("float64 7 no wrap", torch.arange(7.0, dtype=f64))
    w = torch.randn(8, 8, dtype=f64, requires_grad=True)
    add("grad_fn 2d float64", w.tanh())
    add("requires_grad int-mode 2d", torch.ones(2, 2, requires_grad=True))

    # print options
    add("precision 2", torch.randn(3, 3), {"precision": 2})
    add("precision 6", T([1.0 / 3.0, 2.0 / 3.0], dtype=f64), {"precision": 6})
    add("sci_mode True", T([1.5, 2.25]), {"sci_mode": True})
    add("sci_mode False", T([1e-5, 2.5]), {"sci_mode": False})
    add("sci_mode True int mode", T([1.0, 2.0]), {"sci_mode": True})
    add("sci_mode True all zeros", torch.zeros(3), {"sci_mode": True})
    add("linewidth 40", torch.randn(12), {"linewidth": 40})
    add("threshold 10 edgeitems 2", torch.arange(30.0).view(5, 6), {"threshold": 10, "edgeitems": 2})
    add("profile short", torch.randn(10, 10) * 100, {"profile": "short"})
    add("profile full", torch.arange(1200), {"profile": "full"})
    add("threshold 5 vector", torch.arange(10), {"threshold": 5})
    add("edgeitems 1 3d", torch.arange(64.0).view(4, 4, 4), {"threshold": 10, "edgeitems": 1})

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        # One case per line keeps diffs readable.
        f.write("[\n" + ",\n".join(json.dumps(c, separators=(",", ":")) for c in cases) + "\n]\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")


if __name__ == '__main__':
    main()
