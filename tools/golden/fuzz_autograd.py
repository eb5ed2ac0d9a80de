"""Small autograd programs drawn at random against PyTorch 1.13: chains of ops on leaves that require grad, with views,
in-place ops on intermediate results and on views of them, detach, and one or two backward passes (the second
with or without the graph retained). Whether PyTorch raises, where, with which exception and message (modified
saved tensors, in-place ops on leaves, backward through a freed graph), or what gradients it gives, is recorded;
Kindling must do the same. Each in-place op tests which tensors a backward node saves: one saved by PyTorch's node
and not by Kindling's, or the other way round, shows as an error on one side only.

    /usr/bin/python3 tools/golden/fuzz_autograd.py [--seed S] [--cases N] [--out FILE]

Writes packages/core/test/fixtures/fuzz_autograd.json (seed 0) by default, replayed by
packages/core/test/fuzz-autograd.test.ts; `KINDLING_FUZZ_FIXTURE=FILE` replays another draw.

A program: `leaves` (float64 values and shapes), then `steps`, each {op, args} where an argument is a number or
{ref: k} (the k-th tensor: the leaves first, then each step's result); `backward`: a list of passes, each
{ref, retain}. The record: {error: {step, type, message}} or {grads: one per leaf (null where none)}.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fuzz import Draw, fuzz_args  # noqa: E402
from golden import encode  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'test', 'fixtures', 'fuzz_autograd.json')

# op: (arity in tensors, number of scalar arguments, PyTorch call). In-place ops end in '_'.
OPS = {
    'exp': (1, 0, lambda a: a.exp()),
    'sigmoid': (1, 0, lambda a: a.sigmoid()),
    'tanh': (1, 0, lambda a: a.tanh()),
    'relu': (1, 0, lambda a: a.relu()),
    'sin': (1, 0, lambda a: a.sin()),
    'sqrt': (1, 0, lambda a: a.sqrt()),
    'log': (1, 0, lambda a: a.log()),
    'pow': (1, 1, lambda a, p: a.pow(p)),
    'mulScalar': (1, 1, lambda a, s: a.mul(s)),
    'addScalar': (1, 1, lambda a, s: a.add(s)),
    'clone': (1, 0, lambda a: a.clone()),
    'detach': (1, 0, lambda a: a.detach()),
    'sum': (1, 0, lambda a: a.sum()),
    'add': (2, 0, lambda a, b: a.add(b)),
    'sub': (2, 0, lambda a, b: a.sub(b)),
    'mul': (2, 0, lambda a, b: a.mul(b)),
    'div': (2, 0, lambda a, b: a.div(b)),
    'transpose': (1, 0, lambda a: a.transpose(0, -1) if a.dim() > 0 else a.view([])),
    'flatten': (1, 0, lambda a: a.view(-1)),
    'select': (1, 0, lambda a: a.select(0, 0) if a.dim() > 0 else a.view([])),
    'narrow': (1, 0, lambda a: a.narrow(-1, 0, 1) if a.dim() > 0 else a.view([])),
    'add_': (1, 1, lambda a, s: a.add_(s)),
    'mul_': (1, 1, lambda a, s: a.mul_(s)),
    'exp_': (1, 0, lambda a: a.exp_()),
    'sigmoid_': (1, 0, lambda a: a.sigmoid_()),
    'zero_': (1, 0, lambda a: a.zero_()),
    'addTensor_': (2, 0, lambda a, b: a.add_(b)),
    'mulTensor_': (2, 0, lambda a, b: a.mul_(b)),
    'relu_': (1, 0, lambda a: a.relu_()),
    'tanh_': (1, 0, lambda a: a.tanh_()),
    'clamp_': (1, 0, lambda a: a.clamp_(0.7, 1.2)),
    'unbind': (1, 0, lambda a: a.unbind(0)[0] if a.dim() > 0 else a.view([])),
    'split': (1, 0, lambda a: a.split(1)[0] if a.dim() > 0 else a.view([])),
    'expand': (1, 0, lambda a: a.expand(2, *a.shape)),
    'unsqueeze': (1, 0, lambda a: a.unsqueeze(0)),
    'noGradAdd_': (1, 1, lambda a, s: no_grad_add(a, s)),
}
# Not detach_: after detaching a tensor a later in-place op writes into, PyTorch 1.13 either fails an internal assert
# or calls the leaf "moved into the graph interior", and Kindling follows neither.


def no_grad_add(a, s):
    """a.add_(s) under no_grad: allowed on leaves; the version still counts."""
    with torch.no_grad():
        return a.add_(s)

SCALARS = {'pow': [2.0, 3.0, 0.5], 'mulScalar': [2.0, -0.5], 'addScalar': [1.0, -0.25], 'add_': [1.0, 0.5],
           'mul_': [2.0, -1.5], 'noGradAdd_': [1.0, -0.5]}


def draw_program(d):
    shape = d.pick([[3], [2, 3], [2, 2]])
    leaves = [(torch.rand(shape, generator=d.gen, dtype=torch.float64) + 0.5) for _ in range(d.pick([1, 2]))]
    refs = len(leaves)
    steps = []
    for _ in range(d.r.randint(2, 6)):
        op = d.pick(sorted(OPS))
        arity, scalars, _ = OPS[op]
        args = [{'ref': d.r.randrange(refs)} for _ in range(arity)]
        # In-place ops mostly on results of earlier steps: on a leaf they only ever raise.
        if op.endswith('_') and refs > len(leaves) and d.chance(0.85):
            args[0] = {'ref': d.r.randrange(len(leaves), refs)}
        args += [d.pick(SCALARS[op]) for _ in range(scalars)]
        steps.append({'op': op, 'args': args})
        refs += 1
    passes = [{'ref': d.r.randrange(len(leaves), refs) if refs > len(leaves) else 0, 'retain': d.chance(0.5)}]
    if d.chance(0.3):
        passes.append({'ref': d.r.randrange(len(leaves), refs), 'retain': False})
    return leaves, steps, passes


def run(leaves, steps, passes):
    """PyTorch's run of the program: its error (where, type, message) or the leaves' gradients."""
    tensors = [x.clone().requires_grad_() for x in leaves]
    try:
        for k, step in enumerate(steps):
            _, _, call = OPS[step['op']]
            args = [tensors[a['ref']] if isinstance(a, dict) else a for a in step['args']]
            # PyTorch's elementwise results keep a non-contiguous input's strides (x.t().sqrt() is transposed too),
            # Kindling's are contiguous: a view(-1) of one fails only in PyTorch (docs/porting-from-pytorch.md).
            if step['op'] == 'flatten' and not args[0].is_contiguous():
                return None
            # Operands that do not broadcast: a shape error, which says nothing of autograd (and which PyTorch
            # raises after reading the operands' grad_fn, Kindling before).
            tensors_in = [a for a in args if isinstance(a, torch.Tensor)]
            if len(tensors_in) == 2:
                try:
                    torch.broadcast_shapes(tensors_in[0].shape, tensors_in[1].shape)
                except RuntimeError:
                    return None
            tensors.append(call(*args))
        for j, p in enumerate(passes):
            out = tensors[p['ref']]
            k = len(steps) + j
            if not out.requires_grad:
                return None  # nothing to differentiate: not a program worth keeping
            out.sum().backward(retain_graph=p['retain'])
    except RuntimeError as e:
        if 'INTERNAL ASSERT FAILED' in str(e):
            return None  # a PyTorch bug (detach_ of a tensor a node saved as its input), not a rule to follow
        return {'error': {'step': k, 'type': type(e).__name__, 'message': str(e).split('\n')[0]}}
    return {'grads': [None if x.grad is None else encode(x.grad) for x in tensors[:len(leaves)]]}


def main():
    args = fuzz_args(OUT, 400)
    d = Draw(args.seed)
    cases = []
    while len(cases) < args.cases:
        leaves, steps, passes = draw_program(d)
        result = run(leaves, steps, passes)
        if result is None:
            continue
        ops = ' '.join(s['op'] for s in steps)
        cases.append({'name': f'{len(cases)} {ops} / {len(passes)} backward', 'shape': list(leaves[0].shape),
                      'leaves': [encode(x) for x in leaves], 'steps': steps, 'backward': passes, **result})
    with open(args.out, 'w') as f:
        json.dump({'torch': torch.__version__, 'seed': args.seed, 'cases': cases}, f, separators=(',', ':'))
    errors = sum('error' in c for c in cases)
    print(f'wrote {len(cases)} programs ({errors} raising) to {os.path.normpath(args.out)}')


if __name__ == '__main__':
    main()
