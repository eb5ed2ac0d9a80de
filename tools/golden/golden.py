"""Shared machinery for the golden fixtures: tensor specs, running an op in PyTorch, recording its results.

A case is a JSON object:

    {
      "name":   readable test name,
      "op":     the Kindling spelling of the op (camelCase; see OPS in ops_table.py),
      "args":   positional arguments: a tensor spec, {"list": [tensor spec, ...]}, a number, a bool, a string,
                null, or a list of numbers,
      "kwargs": options, spelled as Kindling spells them ({"keepdim": true, "roundingMode": "floor"}),
      "call":   optional, "options" to pass dim/keepdim as a single options object (x.sum({ dim, keepdim })),
      "out":    {values, shape, dtype}, or a list of them for multi-output ops (max(dim), sort, split, ...),
      "gradFn": out.grad_fn.name() (or a list, one per output; null where there is none),
      "w":      per output, the weight of (out * w).sum() in the loss (null for outputs that take no gradient),
      "grads":  per tensor argument (in order, lists flattened), the gradient of the loss with respect to the
                stored leaf ({values, shape, dtype}), or null where it does not require grad,
      "tol":    optional {"rtol", "atol"} overriding the dtype's defaults (float32 reductions and products)
    }

A tensor spec is {values (flat, row-major), shape, dtype, requiresGrad?, transform?}. The stored tensor is the
leaf; `transform` turns it into the op's input without a copy, so the op sees a non-contiguous tensor:
{"kind": "transpose", "dims": [a, b]}, {"kind": "expand", "shape": [...]}, or
{"kind": "slice", "dim": d, "start": s, "end": e, "step": k}; or a list of them, applied in order (an expanded
view of a sliced one, a channels-last image as two transposes). Non-finite floats are the strings "nan", "inf",
"-inf".

Regenerating on another machine can change float32 results in the last bits (summation order in OpenBLAS and
oneDNN depends on the CPU and the thread count); `write_fixture` keeps the stored record of a case whose inputs
are unchanged and whose results differ by no more than that, so a regeneration only shows real changes.
"""
import json
import math
import os

import torch

DTYPES = {
    torch.float32: 'float32',
    torch.float64: 'float64',
    torch.int64: 'int64',
    torch.int32: 'int32',
    torch.bool: 'bool',
}


class Arg:
    """A tensor argument: the stored leaf, whether it requires grad, and the view that makes the op's input."""

    def __init__(self, stored, grad=False, transform=None):
        self.stored = stored.detach().clone()
        self.grad = grad
        self.transform = transform

    def build(self):
        leaf = self.stored.clone()
        if self.grad:
            leaf.requires_grad_(True)
        return leaf, apply_transform(leaf, self.transform)

    def spec(self):
        d = {'values': encode(self.stored), 'shape': list(self.stored.shape), 'dtype': DTYPES[self.stored.dtype]}
        if self.grad:
            d['requiresGrad'] = True
        if self.transform is not None:
            d['transform'] = self.transform
        return d


def apply_transform(t, tr):
    if tr is None:
        return t
    if isinstance(tr, list):
        for step in tr:
            t = apply_transform(t, step)
        return t
    if tr['kind'] == 'transpose':
        return t.transpose(*tr['dims'])
    if tr['kind'] == 'expand':
        return t.expand(*tr['shape'])
    if tr['kind'] == 'slice':
        # aten.slice, as Kindling's Tensor.slice: Python's t[(slice(0, n, 1),)] over a whole dim of n would record
        # AliasBackward0 instead.
        return torch.ops.aten.slice(t, tr['dim'], tr['start'], tr['end'], tr['step'])
    raise ValueError(tr)


def transposed(x, grad=None, dims=(-2, -1)):
    """An input equal to x but non-contiguous: stored transposed, then viewed back with .transpose(dims)."""
    return Arg(x.transpose(*dims).contiguous(), grad if grad is not None else x.is_floating_point(),
               {'kind': 'transpose', 'dims': list(dims)})


def expanded(base, shape, grad=None):
    return Arg(base, grad if grad is not None else base.is_floating_point(), {'kind': 'expand', 'shape': list(shape)})


def viewed(base, transforms, grad=None):
    """An input made from the stored `base` by a list of transforms applied in order (see the module docstring)."""
    return Arg(base, grad if grad is not None else base.is_floating_point(), [dict(t) for t in transforms])


def channels_last(x, grad=None):
    """A 4-D input equal to x ([N, C, H, W]) but stored as [N, H, W, C]: viewed back with two transposes."""
    return viewed(x.permute(0, 2, 3, 1).contiguous(), [{'kind': 'transpose', 'dims': [1, 3]}, {'kind': 'transpose', 'dims': [2, 3]}],
                  grad if grad is not None else x.is_floating_point())


def sliced(full, dim, start, end, step, grad=None):
    return Arg(full, grad if grad is not None else full.is_floating_point(),
               {'kind': 'slice', 'dim': dim, 'start': start, 'end': end, 'step': step})


def leaves(*tensors):
    """Fresh copies that require grad, for the tensors that are given (None stays None)."""
    return tuple(None if t is None else t.clone().requires_grad_() for t in tensors)


def encode_number(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return 'nan'
        if math.isinf(v):
            return 'inf' if v > 0 else '-inf'
    return v


def encode(t):
    flat = t.detach().reshape(-1)
    if flat.dtype == torch.float32:
        flat = flat.double()  # float32 values are exact as float64 and survive JSON unchanged
    return [encode_number(v) for v in flat.tolist()]


def result_record(t):
    return {'values': encode(t), 'shape': list(t.shape), 'dtype': DTYPES[t.dtype]}


def arg_json(a):
    if isinstance(a, Arg):
        return a.spec()
    if isinstance(a, Group):
        return {'list': [x.spec() for x in a.items]}
    return a


class Group:
    """A list of tensor arguments (torch.cat / torch.stack)."""

    def __init__(self, items):
        self.items = items


def run_case(name, op, fn, args, kwargs, call=None, tol=None, seed=0, second=False, nonfinite=False):
    """Runs the op in PyTorch on freshly built inputs; records outputs, grad_fn names and leaf gradients. With
    `second`, the gradients are taken with create_graph, and the gradients of sum_k (grad_k * v_k).sum() with random
    weights v_k are recorded too (`v`, `grads2`): second derivatives. With `nonfinite`, some of the outputs' weights
    are infinite or NaN."""
    leaves = []
    real_args = []
    for a in args:
        if isinstance(a, Arg):
            leaf, inp = a.build()
            leaves.append((a, leaf))
            real_args.append(inp)
        elif isinstance(a, Group):
            built = []
            for x in a.items:
                leaf, inp = x.build()
                leaves.append((x, leaf))
                built.append(inp)
            real_args.append(built)
        else:
            real_args.append(a)
    result = fn(*real_args, **kwargs)
    multi = isinstance(result, (tuple, list))
    outs = list(result) if multi else [result]
    gen = torch.Generator().manual_seed(1000 + seed)
    weights = []
    loss = None
    for o in outs:
        if o.is_floating_point() and o.requires_grad:
            w = (torch.rand(o.shape, generator=gen, dtype=torch.float64) * 2 - 1).to(o.dtype)
            if nonfinite:  # an infinite or NaN gradient arriving at the op (from a log of 0 further on, say)
                flat = w.view(-1)
                picks = torch.rand(flat.shape, generator=gen) < 0.3
                specials = torch.tensor([math.inf, -math.inf, math.nan], dtype=o.dtype)
                which = torch.randint(0, 3, flat.shape, generator=gen)
                flat[picks] = specials[which[picks]]
            weights.append(w)
            term = (o * w).sum()
            loss = term if loss is None else loss + term
        else:
            weights.append(None)
    def record(g, leaf):
        g = g if g is not None else torch.zeros_like(leaf)
        return {'values': encode(g), 'shape': list(g.shape), 'dtype': DTYPES[g.dtype]}

    grads = []
    if second:
        wanted = [leaf for a, leaf in leaves if a.grad]
        firsts = iter(torch.autograd.grad(loss, wanted, create_graph=True, allow_unused=True)
                      if loss is not None else [None] * len(wanted))
        firsts = [next(firsts) if a.grad else None for a, _ in leaves]
        grads = [record(g, leaf) if a.grad else None for (a, leaf), g in zip(leaves, firsts)]
        gen2 = torch.Generator().manual_seed(2000 + seed)
        vs, loss2 = [], None
        for (a, leaf), g in zip(leaves, firsts):
            v = (torch.rand(leaf.shape, generator=gen2, dtype=torch.float64) * 2 - 1).to(leaf.dtype) if a.grad else None
            vs.append(v)
            if g is not None and g.requires_grad:
                term = (g * v).sum()
                loss2 = term if loss2 is None else loss2 + term
        if loss2 is not None:
            loss2.backward()
        second_grads = [record(leaf.grad, leaf) if a.grad else None for a, leaf in leaves]
    else:
        if loss is not None:
            loss.backward()
        grads = [record(leaf.grad, leaf) if a.grad else None for a, leaf in leaves]
    names = [o.grad_fn.name() if o.grad_fn is not None else None for o in outs]
    case = {
        'name': name,
        'op': op,
        'args': [arg_json(a) for a in args],
        'kwargs': kwargs,
        'out': [result_record(o) for o in outs] if multi else result_record(outs[0]),
        'gradFn': names if multi else names[0],
        'w': [encode(w) if w is not None else None for w in weights] if multi else (encode(weights[0]) if weights[0] is not None else None),
        'grads': grads,
    }
    if second:
        case['v'] = [encode(v) if v is not None else None for v in vs]
        case['grads2'] = second_grads
    if call is not None:
        case['call'] = call
    if tol is not None:
        case['tol'] = tol
    return case


def _close(old, new, tol):
    """Fixture values equal, or (floats) within tol times the largest magnitude in the stored tensor."""
    if len(old) != len(new):
        return False
    if tol is None:
        return old == new
    nums = [abs(v) for v in old if isinstance(v, float) or isinstance(v, int) and not isinstance(v, bool)]
    scale = max(nums, default=0.0)
    for a, b in zip(old, new):
        if a == b:
            continue
        if isinstance(a, str) or isinstance(b, str) or isinstance(a, bool) or isinstance(b, bool):
            return False
        if abs(a - b) > tol * max(scale, 1e-30):
            return False
    return True


# Largest difference, relative to the tensor's largest magnitude, taken for rounding: conv_pool.json's float32
# results regenerated on another CPU differ by up to ~5e-7 of that; a real change of a value is far larger.
ROUNDING = {'float32': 1e-4, 'float64': 1e-12}


def _same_results(old, new):
    """Two records of one case that differ only by rounding: identical but for float values in out and grads."""
    if old.keys() != new.keys():
        return False
    for k in old:
        if k in ('out', 'grads'):
            continue
        if old[k] != new[k]:
            return False
    olds = old['out'] if isinstance(old['out'], list) else [old['out']]
    news = new['out'] if isinstance(new['out'], list) else [new['out']]
    olds = olds + old['grads']
    news = news + new['grads']
    if len(olds) != len(news):
        return False
    for a, b in zip(olds, news):
        if a is None or b is None:
            if a is not b:
                return False
            continue
        if a.keys() != b.keys() or a['shape'] != b['shape'] or a.get('dtype') != b.get('dtype'):
            return False
        if not _close(a['values'], b['values'], ROUNDING.get(a.get('dtype'))):
            return False
    return True


def write_fixture(path, doc, newline=True, fresh=False):
    """Writes doc ({'torch', 'cases', ...}) to path as compact JSON. Unless `fresh`, a case stored there already
    (same name and op, the same torch version) keeps its stored record when the new one differs only by
    rounding. Returns (cases kept from the stored file, cases whose values were replaced, new cases)."""
    old = None
    if not fresh and os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
        if old.get('torch') != doc.get('torch'):
            old = None
    stored = {(c['name'], c['op']): c for c in old['cases']} if old else {}
    kept = replaced = added = 0
    cases = []
    for c in doc['cases']:
        prev = stored.get((c['name'], c['op']))
        if prev is None:
            added += 1
            cases.append(c)
        elif prev == c:
            kept += 1
            cases.append(c)
        elif _same_results(prev, c):
            kept += 1
            cases.append(prev)
        else:
            replaced += 1
            cases.append(c)
    doc = dict(doc, cases=cases)
    with open(path, 'w') as f:
        json.dump(doc, f, separators=(',', ':'), allow_nan=False)
        if newline:
            f.write('\n')
    return kept, replaced, added
