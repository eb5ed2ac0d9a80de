"""Golden fixtures for the seed walk-throughs and PyTorch's "Autograd mechanics" notes.

Regenerate with:

    /usr/bin/python3 tools/golden/seeds.py

Each walk-through is the seed's code with its garbled Python restored to what the author meant (real
PyTorch 1.13 is the reference, not the output quoted in the article). It writes
packages/core/test/fixtures/seeds.json:

    { "<id>": { "title": str, "lines": [ {"print": str} | {"error": str, "message": str}, ... ] } }

A "print" entry is the exact text `print(...)` writes, except that a grad_fn prints as its class name
(`AddBackward0`), because the `<AddBackward0 object at 0x...>` form carries a memory address. An "error"
entry is the exception's Python type and its full message.

Random tensors are replaced by fixed ones (the values the articles printed), since Kindling's generator
differs from PyTorch's; packages/core/test/autograd-walkthroughs.test.ts uses the same values.
"""

import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "core", "test", "fixtures", "seeds.json")

WALKS = {}


class Rec:
    def __init__(self):
        self.lines = []

    @staticmethod
    def fmt(v):
        if v is not None and hasattr(v, "next_functions"):
            return type(v).__name__
        return str(v)

    def print(self, *args):
        self.lines.append({"print": " ".join(self.fmt(a) for a in args)})

    def error(self, fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - every error is recorded
            self.lines.append({"error": type(e).__name__, "message": str(e)})
            return
        raise AssertionError("expected an error")


def walk(wid, title):
    def register(fn):
        rec = Rec()
        torch.set_grad_enabled(True)
        fn(rec.print, rec.error)
        assert torch.is_grad_enabled(), wid
        WALKS[wid] = {"title": title, "lines": rec.lines}
        return fn

    return register


# ---------------------------------------------------------------- seed 000: with torch.no_grad()
@walk("000-1-track", "grad_fn is recorded on every result")
def _(p, err):
    a = torch.tensor([1.1], requires_grad=True)
    b = a * 2
    p(b)
    c = b * 2
    p(c)
    c.backward()
    p(a.grad)


@walk("000-2-no-grad", "a result computed under no_grad has no history")
def _(p, err):
    a = torch.tensor([1.1], requires_grad=True)
    b = a * 2
    p(b)
    with torch.no_grad():
        c = b * 2
    p(c)
    p(c.requires_grad)
    err(lambda: c.backward())


@walk("000-3-cut", "continuing from a no_grad result: the path to a is cut")
def _(p, err):
    a = torch.tensor([1.1], requires_grad=True)
    b = a * 2
    p(b)
    with torch.no_grad():
        c = b * 2
    p(c)
    p(c.requires_grad)
    d = c * 2
    e = d * 2
    p(e)
    p(e.requires_grad)
    err(lambda: e.backward())
    p(a.grad)


@walk("000-4-other-path", "a second path from a still carries a gradient")
def _(p, err):
    a = torch.tensor([1.1], requires_grad=True)
    b = a * 2
    p(b)
    with torch.no_grad():
        c = b * 2
    p(c)
    p(c.requires_grad)
    d = c * 2
    e = d * 2
    f = a * e
    p(f)
    f.backward()
    p(a.grad)


@walk("000-5-int-grad", "only floating point tensors can require grad")
def _(p, err):
    err(lambda: torch.tensor([1], requires_grad=True))
    p(torch.tensor([1.0], requires_grad=True))


@walk("000-6-inplace-under-no-grad", "an in-place op under no_grad keeps the tensor's history")
def _(p, err):
    a = torch.tensor([1.1], requires_grad=True)
    b = a * 2
    with torch.no_grad():
        b.mul_(2)
    p(b)
    p(b.requires_grad)
    b.backward()
    p(a.grad)


# ---------------------------------------------------------------- seed 001: autograd mechanics
@walk("001-1-exclude-subgraphs", "requires_grad propagates only from inputs that require it")
def _(p, err):
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [3.0, 1.0, -2.0]])  # torch.randn(3, 3)
    y = torch.tensor([[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0], [0.25, 0.5, 0.75]])  # torch.randn(3, 3)
    z = torch.tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]], requires_grad=True)
    a = x + y
    p(a.requires_grad)
    b = z + a
    p(b.requires_grad)
    p(b.grad_fn)
    p(a.is_leaf, b.is_leaf, z.is_leaf)


@walk("001-2-finetune", "finetuning at tensor level: freeze the old weights, train a new leaf")
def _(p, err):
    w1 = torch.tensor([[1.0, -1.0], [0.5, 2.0], [0.0, 1.0]], requires_grad=True)
    b1 = torch.tensor([0.1, -0.1], requires_grad=True)
    for param in [w1, b1]:
        param.requires_grad = False
    fc = torch.tensor([[2.0], [-3.0]], requires_grad=True)  # the replaced last layer
    inp = torch.tensor([[1.0, 2.0, 3.0]])
    features = inp.mm(w1) + b1
    p(features.requires_grad)
    out = features.mm(fc)
    p(out)
    out.sum().backward()
    p(w1.grad)
    p(b1.grad)
    p(fc.grad)


@walk("001-3-version-check", "in-place correctness check: a saved tensor changed in place")
def _(p, err):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp()
    p(y._version)
    y.add_(1)
    p(y._version)
    p(y.grad_fn)
    err(lambda: y.sum().backward())


# ---------------------------------------------------------------- seed 002: Russian walk-through
@walk("002-1-graph", "a leaf and the result of one op")
def _(p, err):
    x = torch.tensor([1.0], requires_grad=True)
    p(x)
    y = x + 1
    p(y)


@walk("002-2-is-leaf", "is_leaf")
def _(p, err):
    x = torch.tensor([1.0], requires_grad=True)
    k = torch.tensor([2.0])
    y = k * x
    p(k.is_leaf)
    p(x.is_leaf)
    p(y.is_leaf)


@walk("002-3-requires-grad", "requires_grad is False by default; results of ops record grad_fn")
def _(p, err):
    x = torch.tensor([1.0])
    p(x)
    x += 1
    p(x)
    y = torch.tensor([2.0], requires_grad=True)
    p(y)
    z = y + 1.0
    p(z)
    p(y)
    p(y.grad_fn)


@walk("002-4-grad", ".grad is filled by backward, on leaves only")
def _(p, err):
    y = torch.tensor([2.0], requires_grad=True)
    p(y)
    p(y.grad)
    z = y + 1.0
    p(z)
    p(y)
    p(y.grad)
    p(z.grad)
    z.backward()
    p(y.grad)
    p(z.grad)


@walk("002-5-no-grad", "with torch.no_grad(): the subtraction is not recorded")
def _(p, err):
    y = torch.tensor([1.0], requires_grad=True)
    p(y)
    z = y + 1.0
    p(z)
    p(z.grad_fn)
    with torch.no_grad():
        z = y - 2
    p(z)
    p(z.grad_fn)


@walk("002-6-data", "assigning .data replaces the values and keeps the history")
def _(p, err):
    y = torch.tensor([1.0], requires_grad=True)
    p(y)
    z = y + 1.0
    p(z)
    p(z.grad_fn)
    z.data = y.data - 2
    p(z)
    p(z.grad_fn)


# ---------------------------------------------------------------- seed 003: graph, detach, no_grad
Y003 = [[-0.2810, -2.7142, 1.8053], [-0.6549, 1.0730, -1.9470], [0.5629, -0.0692, -0.7376]]
X003 = [[0.8037, 0.2443, 0.3994], [0.9879, 0.9484, 0.4035], [0.3057, 0.6682, 0.4186]]


@walk("003-1-graph", "gradients of sum(mm(x, y)) reach only y")
def _(p, err):
    x = torch.arange(9, dtype=torch.float).view(3, 3)
    p("x does not record its history:", x, x.requires_grad)
    y = torch.tensor(Y003, requires_grad=True)  # torch.randn(3, 3, requires_grad=True)
    p("y has requires_grad set:", y, y.requires_grad)
    z = torch.sum(torch.mm(x, y))
    z.backward()
    p("z:", z, z.requires_grad)
    p("no gradient kept for x:", x.grad)
    p("gradient kept for y:", y.grad)
    p(y.is_leaf, z.is_leaf, z.grad_fn, y.device)


@walk("003-2-detach", "detach() takes a tensor out of the graph")
def _(p, err):
    x = torch.tensor(X003, requires_grad=True)  # torch.rand(3, 3, requires_grad=True)
    w = torch.ones(3, 3, requires_grad=True)
    p(x)
    p(w)
    yy = torch.mm(w, x)
    p(yy.requires_grad)
    detach_yy = yy.detach()
    y = torch.sum(yy)
    y.backward()
    p("detached copy:", detach_yy.grad, detach_yy.requires_grad, detach_yy.is_leaf)
    p("gradient of x:", x.grad)
    p("gradient of w:", w.grad)


@walk("003-3-no-grad", "inside no_grad results do not require grad")
def _(p, err):
    x = torch.tensor(X003, requires_grad=True)
    w = torch.ones(3, 3, requires_grad=True)
    y = torch.sum(torch.mm(w, x))
    p("recording:", y.requires_grad)
    with torch.no_grad():
        y = torch.sum(torch.mm(w, x))
        p("inside no_grad:", y.requires_grad)


# ---------------------------------------------------------------- seed 004: automatic gradients
A004 = [[0.3, -1.2], [2.0, 0.5]]


def seed004_forward():
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    return x, y, z, z.mean()


@walk("004-1-tensor", "grad_fn, is_leaf, and the forward pass")
def _(p, err):
    x = torch.ones(2, 2, requires_grad=True)
    p(x)
    p(x.grad_fn)
    y = x + 2
    p(y)
    p(y.grad_fn)
    p(x.is_leaf, y.is_leaf)
    z = y * y * 3
    out = z.mean()
    p(z, out)


@walk("004-2-requires-grad-", "requires_grad_() switches the flag in place")
def _(p, err):
    a = torch.tensor(A004)  # torch.randn(2, 2)
    a = (a * 3) / (a - 1)
    p(a.requires_grad)
    a.requires_grad_(True)
    p(a.requires_grad)
    b = (a * a).sum()
    p(b.grad_fn)


@walk("004-3-accumulate", "gradients accumulate; zero them between passes")
def _(p, err):
    x, y, z, out = seed004_forward()
    out.backward()
    p(x.grad)
    out2 = x.sum()
    out2.backward()
    p(x.grad)
    out3 = x.sum()
    x.grad.data.zero_()
    out3.backward()
    p(x.grad)


@walk("004-4-vector", "backward of a non-scalar needs the gradient argument")
def _(p, err):
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = 2 * x
    z = y.view(2, 2)
    p(z)
    err(lambda: z.backward())
    v = torch.tensor([[1.0, 0.1], [0.01, 0.001]], dtype=torch.float)
    z.backward(v)
    p(x.grad)


@walk("004-5-interrupt", "a no_grad branch contributes no gradient")
def _(p, err):
    x = torch.tensor(1.0, requires_grad=True)
    y1 = x ** 2
    with torch.no_grad():
        y2 = x ** 2
    y3 = y1 + y2
    p(x.requires_grad)
    p(y1.requires_grad)
    p(y2.requires_grad)
    p(y3.requires_grad)
    y3.backward()
    p(x.grad)


@walk("004-6-data", "changes through .data are invisible to autograd")
def _(p, err):
    x = torch.ones(1, requires_grad=True)
    p(x.data)
    p(x.data.requires_grad)
    y = 2 * x
    x.data *= 100
    y.backward()
    p(x)
    p(x.grad)


import seeds_notes  # noqa: E402  (the "Autograd mechanics" notes, same recorder)

seeds_notes.register(walk)

with open(OUT, "w", encoding="utf-8") as f:
    json.dump(WALKS, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"wrote {len(WALKS)} walk-throughs to {os.path.normpath(OUT)}")
