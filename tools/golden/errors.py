"""Golden fixtures for error messages: every row of API.md's "Errors" table, and bad inputs to core.

Regenerate with:

    /usr/bin/python3 tools/golden/errors.py

Each case is Python source run in real PyTorch 1.13; the exception it raises is recorded in
packages/core/test/fixtures/errors.json:

    { "<id>": { "python": str, "error": "RuntimeError" | "IndexError" | ..., "message": str } }

packages/core/test/errors.test.ts triggers the same situation in Kindling and checks that the error has the
same Python type and that its message contains PyTorch's.
"""

import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "core", "test", "fixtures", "errors.json")

# The rows of API.md's "Errors" table, in its order.
TABLE = {
    "backward-no-history": "torch.tensor([1.0]).backward()",
    "int-requires-grad": "torch.tensor([1], dtype=torch.int64, requires_grad=True)",
    "saved-modified": """
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 1
c = b * b
b.add_(1)
c.sum().backward()""",
    "leaf-inplace": "torch.ones(2, requires_grad=True).add_(1)",
    "second-backward": """
x = torch.tensor([1.5], requires_grad=True)
y = (x * x).sum()
y.backward()
y.backward()""",
    "nonscalar-backward": "(torch.ones(2, requires_grad=True) * 2).backward()",
    "matmul-shape": "torch.ones(2, 3) @ torch.ones(4, 5)",
    "broadcast": "torch.ones(2, 3) + torch.ones(2, 4)",
    "view-strides": "torch.ones(2, 3).t().view(6)",
    "nonleaf-requires-grad": """
y = torch.ones(2, requires_grad=True) * 2
y.requires_grad = False""",
}

# Bad inputs to core, with PyTorch's messages.
BAD_INPUTS = {
    # dimensions
    "dim-sum": "torch.ones(2, 3).sum(2)",
    "dim-transpose": "torch.ones(2, 3).transpose(0, -3)",
    "dim-softmax": "torch.ones(3).softmax(1)",
    "dim-unsqueeze": "torch.ones(2, 1).unsqueeze(3)",
    "dim-squeeze": "torch.ones(2, 1).squeeze(2)",
    "dim-repeated": "torch.ones(2, 3).sum((0, 0))",
    # sizes
    "negative-size": "torch.ones(-1, 2)",
    "negative-size-list": "torch.zeros([2, -3])",
    "negative-size-randn": "torch.randn(-2)",
    "view-numel": "torch.arange(12).view(3, 5)",
    "view-two-inferred": "torch.arange(12).view(-1, -1)",
    "expand-mismatch": "torch.ones(2, 3).expand(4, 3)",
    "expand-too-few": "torch.ones(2, 3).expand(3)",
    "repeat-too-few": "torch.ones(2, 3).repeat(2)",
    "flatten-order": "torch.ones(2, 3, 4).flatten(2, 1)",
    "permute-length": "torch.ones(2, 3).permute(0)",
    "narrow-past-end": "torch.ones(3).narrow(0, 2, 2)",
    "split-sizes": "torch.ones(5).split([2, 2])",
    "chunk-zero": "torch.ones(5).chunk(0)",
    "arange-step-sign": "torch.arange(0, 5, -1)",
    "linspace-negative": "torch.linspace(0, 1, -1)",
    "eye-negative": "torch.eye(-1)",
    "tensor-ragged": "torch.tensor([[1, 2], [3]])",
    "roll-shifts-dims": "torch.ones(2, 3).roll(1, (0, 1))",
    "roll-two-shifts-no-dims": "torch.ones(2, 3).roll((1, 2))",
    "tril-1d": "torch.ones(3).tril()",
    "triu-0d": "torch.tensor(1.0).triu()",
    "diag-3d": "torch.ones(2, 2, 2).diag()",
    "repeat-interleave-negative": "torch.ones(3).repeat_interleave(-1)",
    "repeat-interleave-counts": "torch.ones(3).repeat_interleave(torch.tensor([1, 2]), 0)",
    "movedim-repeated": "torch.ones(2, 3).movedim((0, 1), (0, 0))",
    "movedim-lengths": "torch.ones(2, 3).movedim((0, 1), (0,))",
    "median-empty-dim": "torch.zeros(0, 3).median(0)",
    "kthvalue-out-of-range": "torch.ones(4).kthvalue(5)",
    "fmod-int-by-zero": "torch.tensor([3, 4]).fmod(torch.tensor([1, 0]))",
    "remainder-int-by-zero": "torch.tensor([3]).remainder(0)",
    "fmod-bool": "torch.tensor([True]).fmod(torch.tensor([True]))",
    "atan2-number": "torch.atan2(torch.ones(2), 2)",
    "hypot-int": "torch.hypot(torch.tensor([3]), torch.tensor([4]))",
    "logaddexp-bool": "torch.logaddexp(torch.tensor([True]), torch.tensor([False]))",
    "frac-int": "torch.tensor([1, 2]).frac()",
    "floor-bool": "torch.tensor([True]).floor()",
    "trunc-bool": "torch.tensor([True]).trunc()",
    "diagonal-same-dims": "torch.ones(2, 2).diagonal(0, 1, 1)",
    "einsum-sizes": "torch.einsum('ij,jk', torch.ones(2, 3), torch.ones(4, 4))",
    "einsum-dots": "torch.einsum('i..j', torch.ones(2, 3))",
    "einsum-output-twice": "torch.einsum('ij->ii', torch.ones(2, 3))",
    "einsum-output-unknown": "torch.einsum('ij->k', torch.ones(2, 3))",
    "einsum-bad-subscript": "torch.einsum('i1,j', torch.ones(2, 3), torch.ones(2, 3))",
    "einsum-fewer-operands": "torch.einsum('ij,j', torch.ones(2, 3))",
    "einsum-more-operands": "torch.einsum('ij', torch.ones(2, 3), torch.ones(2))",
    "einsum-ellipsis-sizes": "torch.einsum('...ij,...ij->...', torch.ones(2, 3, 4), torch.ones(5, 3, 4))",
    "einsum-repeated-sizes": "torch.einsum('ii', torch.ones(2, 3))",
    "einsum-dims": "torch.einsum('', torch.ones(2, 3))",
    "einsum-no-operands": "torch.einsum('ij')",
    "nanmean-int": "torch.tensor([1, 2]).nanmean()",
    "outer-matrix": "torch.outer(torch.ones(2, 2), torch.ones(2))",
    "trace-vector": "torch.ones(3).trace()",
    "flipud-0d": "torch.tensor(1.0).flipud()",
    "fliplr-1d": "torch.ones(2).fliplr()",
    "rot90-same-dims": "torch.ones(2, 2).rot90(1, [0, 0])",
    "rot90-1d": "torch.ones(2).rot90()",
    "rot90-one-dim": "torch.ones(2, 2).rot90(1, [0])",
    "isclose-dtypes": "torch.isclose(torch.ones(2), torch.ones(2, dtype=torch.float64))",
    "isclose-negative-rtol": "torch.isclose(torch.ones(2), torch.ones(2), rtol=-1)",
    "hstack-empty": "torch.hstack([])",
    "diff-0d": "torch.tensor(1.0).diff()",
    "cummax-dim": "torch.ones(2).cummax(1)",
    "bincount-negative": "torch.bincount(torch.tensor([-1, 2]))",
    "bincount-2d": "torch.bincount(torch.tensor([[1]]))",
    "bincount-float": "torch.bincount(torch.tensor([1.0]))",
    "bincount-minlength": "torch.bincount(torch.tensor([1, 3]), minlength=-1)",
    "bincount-weights": "torch.bincount(torch.tensor([1, 3]), weights=torch.ones(3))",
    "histc-int": "torch.histc(torch.tensor([1, 2]))",
    "bucketize-2d-boundaries": "torch.bucketize(torch.tensor([1.0]), torch.ones(2, 2))",
    # dtypes and requires_grad
    "int-requires-grad-method": "torch.tensor([1]).requires_grad_()",
    "int-requires-grad-setter": """
t = torch.tensor([1])
t.requires_grad = True""",
    "int-requires-grad-ones": "torch.ones(2, dtype=torch.int64, requires_grad=True)",
    "int-requires-grad-arange": "torch.arange(3, requires_grad=True)",
    "int-mean": "torch.tensor([1, 2]).mean()",
    "int-var": "torch.tensor([1, 2]).var()",
    "int-pow-negative": "torch.tensor([2]).pow(-1)",
    "mm-dtype": "torch.mm(torch.ones(2, 2), torch.ones(2, 2, dtype=torch.int64))",
    "inplace-cast": "torch.ones(2, dtype=torch.int64).mul_(1.5)",
    "inplace-broadcast": "torch.ones(3).add_(torch.ones(2, 3))",
    "where-condition": "torch.where(torch.ones(2), torch.ones(2), torch.zeros(2))",
    "rand-int": "torch.rand(2, dtype=torch.int64)",
    # scalars and indexing
    "item-many": "torch.ones(2).item()",
    "item-empty": "torch.ones(0).item()",
    "select-out-of-range": "torch.ones(3)[5]",
    "select-0d": "torch.tensor(1.0).select(0, 0)",
    "too-many-indices": "torch.ones(3)[0, 0]",
    "gather-float-index": "torch.ones(2, 3).gather(1, torch.tensor([[0.0, 1.0]]))",
    "gather-ndim": "torch.ones(2, 3).gather(1, torch.tensor([0, 1]))",
    "scatter-float-index": "torch.zeros(3).scatter(0, torch.tensor([0.0]), 1.0)",
    "index-select-float": "torch.ones(3).index_select(0, torch.tensor([0.0]))",
    "topk-too-large": "torch.ones(3).topk(5)",
    "max-empty": "torch.ones(0).max()",
    "fill-tensor": "torch.ones(2).fill_(torch.ones(2))",
    "clamp-nothing": "torch.ones(2).clamp()",
    # joining and products
    "cat-mismatch": "torch.cat([torch.ones(2, 3), torch.ones(2, 4)])",
    "cat-ndim": "torch.cat([torch.ones(2, 3), torch.ones(3)])",
    "cat-empty": "torch.cat([])",
    "stack-mismatch": "torch.stack([torch.ones(2), torch.ones(3)])",
    "mm-vector": "torch.mm(torch.ones(3), torch.ones(3, 3))",
    "bmm-mismatch": "torch.bmm(torch.ones(2, 2, 3), torch.ones(2, 4, 5))",
    "matmul-0d": "torch.matmul(torch.tensor(1.0), torch.ones(4))",
    "maximum-broadcast": "torch.maximum(torch.ones(2), torch.ones(3))",
    # autograd
    "backward-grad-shape": "(torch.ones(2, requires_grad=True) * 2).backward(torch.ones(3))",
    "grad-unused": """
w = torch.ones(2, requires_grad=True)
u = torch.ones(1, requires_grad=True)
torch.autograd.grad((w * 2).sum(), [w, u])""",
    "grad-input-no-grad": "torch.autograd.grad((torch.ones(2, requires_grad=True) * 2).sum(), torch.ones(2))",
    "retain-grad-no-grad": "torch.ones(2).retain_grad()",
    "hook-no-grad": "torch.ones(2).register_hook(lambda g: g)",
    "detach-view-inplace": "torch.ones(3).view(3).detach_()",
    "view-of-leaf-inplace": "torch.ones(2, requires_grad=True)[0].mul_(2)",
    "grad-assign-size": """
x = torch.ones(2, requires_grad=True)
x.grad = torch.ones(3)""",
    "grad-assign-dtype": """
x = torch.ones(2, requires_grad=True)
x.grad = torch.ones(2, dtype=torch.float64)""",
    "saved-modified-copy-slices": """
a = torch.ones(2, 2, requires_grad=True)
b = a * 1
b[0].mul_(2)
c = b * b
b[1].add_(1)
c.sum().backward()""",
    "broadcast-last-mismatch": "torch.ones(2, 3) + torch.ones(3, 2)",
    "saved-modified-mul-operands": """
base = torch.ones(2, 3, requires_grad=True) * 1
y = base[0] * base.view(2, 3)
base.add_(1)
y.sum().backward()""",
    "saved-modified-div-operands": """
base = torch.ones(2, 3, requires_grad=True) * 1
y = base[0] / base.view(2, 3)
base.add_(1)
y.sum().backward()""",
    "multi-output-view-of-leaf-inplace": "torch.ones(2, 3, requires_grad=True).split(1)[0].mul_(2)",
    "view-of-multi-output-view-inplace": """
a = torch.ones(2, 3, requires_grad=True) * 1
a.unbind(0)[0].unsqueeze(0).add_(1)""",
    "multi-output-view-base-modified": """
a = torch.ones(2, 3, requires_grad=True) * 1
u = a.unbind(0)[0]
a.add_(1)
u.grad_fn""",
    # values an integer tensor cannot hold
    "int-tensor-nan": "torch.tensor([float('nan')], dtype=torch.int64)",
    "int-tensor-inf": "torch.tensor([float('inf')], dtype=torch.int64)",
    "int32-tensor-overflow": "torch.tensor([1e10], dtype=torch.int32)",
    "int64-tensor-overflow": "torch.tensor([1e19], dtype=torch.int64)",
    "int-full-nan": "torch.full([2], float('nan'), dtype=torch.int64)",
    "int32-full-overflow": "torch.full([2], 1e10, dtype=torch.int32)",
    "int32-fill-nan": "torch.zeros([2], dtype=torch.int32).fill_(float('nan'))",
    "int64-fill-inf": "torch.zeros([2], dtype=torch.int64).fill_(float('inf'))",
    "int-arange-fractional-step": "torch.arange(0, 1, 0.5, dtype=torch.int64)",
    "neg-bool": "torch.tensor([True]).neg()",
    # negative indices
    "gather-negative-index": "torch.zeros(3).gather(0, torch.tensor([-1]))",
    "scatter-negative-index": "torch.zeros(3).scatter(0, torch.tensor([-1]), 1.0)",
    "scatter-add-negative-index": "torch.zeros(3).scatter_add(0, torch.tensor([-1]), torch.ones(1))",
    "index-select-negative-index": "torch.zeros(3).index_select(0, torch.tensor([-1]))",
    "index-select-past-end": "torch.zeros(3).index_select(0, torch.tensor([3]))",
    # reductions over nothing
    "argmax-empty": "torch.zeros(0).argmax()",
    "argmin-empty": "torch.zeros(0).argmin()",
    "amax-empty-dim": "torch.zeros(0, 3).amax(0)",
    "argmax-empty-dim": "torch.zeros(0, 3).argmax(0)",
    # sizes no storage can have, and junk where a tensor belongs
    "size-overflow": "torch.zeros(2**62)",
    "size-overflow-2d": "torch.zeros(2**40, 2**40)",
    "arange-overflow": "torch.arange(0, 2**60)",
    "matmul-not-tensor": "torch.zeros(2, 2).matmul(5)",
    "mm-not-tensor": "torch.zeros(2, 2).mm(None)",
    # memory overlap: an expanded tensor written to, an operand on part of the written-to elements
    "overlap-expanded-add": "torch.zeros(3).expand(2, 3).add_(1)",
    "overlap-expanded-uniform": "torch.zeros(3).expand(2, 3).uniform_()",
    "overlap-expanded-out": "torch.exp(torch.ones(2, 3), out=torch.zeros(3).expand(2, 3))",
    "overlap-partial-add": "a = torch.arange(6.0)\na[1:].add_(a[:-1])",
    "overlap-partial-copy": "a = torch.arange(6.0)\na[1:].copy_(a[:-1])",
    "overlap-transposed-add": "x = torch.arange(9.0).view(3, 3)\nx.add_(x.t())",
    "overlap-partial-out": "a = torch.arange(6.0)\ntorch.add(a[:-1], 1, out=a[1:])",
    "overlap-partial-cat-out": "a = torch.arange(6.0)\ntorch.cat([a[:2], a[2:4]], out=a[1:5])",
}


def record(code):
    try:
        exec(code.strip(), {"torch": torch})  # noqa: S102 - the cases above, nothing else
    except Exception as e:  # noqa: BLE001 - every error is recorded
        return {"python": code.strip(), "error": type(e).__name__, "message": str(e)}
    raise AssertionError(f"no error from:\n{code}")


fixtures = {"table": {k: record(v) for k, v in TABLE.items()}, "badInputs": {k: record(v) for k, v in BAD_INPUTS.items()}}
with open(OUT, "w", encoding="utf-8") as f:
    json.dump(fixtures, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"wrote {len(TABLE)} table rows and {len(BAD_INPUTS)} bad-input cases to {os.path.normpath(OUT)}")
