"""Optimizers drawn at random against PyTorch 1.13: random option combinations, parameter shapes and groups, and
gradients given directly (normal, wide-ranged, ties, zeros, infinities, NaN), some dropped before a step, with a
group's learning rate changed between steps now and then, as a scheduler does.

    /usr/bin/python3 tools/golden/fuzz_optim.py [--seed S] [--cases N] [--out FILE]

Writes packages/optim/test/fixtures/fuzz_optim.json (seed 0) by default, replayed by
packages/optim/test/fuzz-optim.test.ts; `KINDLING_FUZZ_FIXTURE=FILE` replays another draw.

A case: {name, optimizer, dtype, defaults, groups: [{params: [indices], options}], params: [initial tensors],
steps: [{resume, lr: [each group's lr set before the step] | null, grads: [tensor | null per parameter],
params: [tensors after the step]}], stateDict}. A parameter's or gradient's `layout` says how it is stored: contiguous,
`transposed` (`x.transpose(0, -1).contiguous().transpose(0, -1)`) or at an `offset` of 2 into a storage 3 elements
longer; its values are given in row-major order; `resume` builds a new optimizer that loads the last one's state
dict before the step. Options are spelled as Kindling spells them (camelCase).

PyTorch computes `a + s*b` (add and sub with alpha, addcmul, lerp) as a fused multiply-add, rounding once, and
`beta ** step` with C's pow; Kindling does the same (packages/core/src/kernels/fma.ts and pow.ts), so the replay
holds float32 and float64 alike to PyTorch's bits.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fuzz import F32, F64, Draw, fuzz_args  # noqa: E402
from golden import encode  # noqa: E402
from optim import DTYPES, encode_state_dict, py_options  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'optim', 'test', 'fixtures', 'fuzz_optim.json')


def betas(d, lo=0.0):
    return [d.pick([lo, 0.5, 0.8, 0.9, 0.95]), d.pick([lo, 0.9, 0.99, 0.999, 0.6])]


# Per optimizer: a function of the draw giving a random subset of its options (valid values only).
OPTION_SPACES = {
    'SGD': lambda d: {
        **({'momentum': d.pick([0.0, 0.5, 0.9, 1.0])} if d.chance(0.7) else {}),
        **({'dampening': d.pick([0.0, 0.3, 1.0])} if d.chance(0.3) else {}),
        **({'weightDecay': d.pick([0.0, 0.01, 0.5])} if d.chance(0.4) else {}),
        **({'maximize': True} if d.chance(0.2) else {}),
    },
    'Adam': lambda d: {
        **({'betas': betas(d)} if d.chance(0.4) else {}),
        **({'eps': d.pick([1e-8, 1e-3, 0.0, 1e-30])} if d.chance(0.3) else {}),
        **({'weightDecay': d.pick([0.0, 0.01, 0.5])} if d.chance(0.4) else {}),
        **({'amsgrad': True} if d.chance(0.4) else {}),
        **({'maximize': True} if d.chance(0.2) else {}),
    },
    'RMSprop': lambda d: {
        **({'alpha': d.pick([0.0, 0.5, 0.9, 0.99])} if d.chance(0.4) else {}),
        **({'eps': d.pick([1e-8, 1e-3, 0.0])} if d.chance(0.3) else {}),
        **({'weightDecay': d.pick([0.0, 0.01, 0.5])} if d.chance(0.4) else {}),
        **({'momentum': d.pick([0.0, 0.5, 0.9])} if d.chance(0.4) else {}),
        **({'centered': True} if d.chance(0.4) else {}),
        **({'maximize': True} if d.chance(0.2) else {}),
    },
    'Adagrad': lambda d: {
        **({'lrDecay': d.pick([0.0, 0.1, 2.0])} if d.chance(0.4) else {}),
        **({'weightDecay': d.pick([0.0, 0.01, 0.5])} if d.chance(0.4) else {}),
        **({'initialAccumulatorValue': d.pick([0.0, 0.1, 3.0])} if d.chance(0.4) else {}),
        **({'eps': d.pick([1e-10, 1e-3, 0.0])} if d.chance(0.3) else {}),
        **({'maximize': True} if d.chance(0.2) else {}),
    },
    'Adadelta': lambda d: {
        **({'rho': d.pick([0.0, 0.5, 0.9, 1.0])} if d.chance(0.4) else {}),
        **({'eps': d.pick([1e-6, 1e-3, 0.0])} if d.chance(0.3) else {}),
        **({'weightDecay': d.pick([0.0, 0.01, 0.5])} if d.chance(0.4) else {}),
        **({'maximize': True} if d.chance(0.2) else {}),
    },
    'Adamax': lambda d: {
        **({'betas': betas(d)} if d.chance(0.4) else {}),
        **({'eps': d.pick([1e-8, 1e-3, 0.0])} if d.chance(0.3) else {}),
        **({'weightDecay': d.pick([0.0, 0.01, 0.5])} if d.chance(0.4) else {}),
        **({'maximize': True} if d.chance(0.2) else {}),
    },
    'NAdam': lambda d: {
        **({'betas': betas(d)} if d.chance(0.4) else {}),
        **({'eps': d.pick([1e-8, 1e-3])} if d.chance(0.3) else {}),
        **({'weightDecay': d.pick([0.0, 0.01, 0.5])} if d.chance(0.4) else {}),
        **({'momentumDecay': d.pick([0.0, 0.004, 0.1])} if d.chance(0.4) else {}),
    },
    'RAdam': lambda d: {
        **({'betas': betas(d)} if d.chance(0.4) else {}),
        **({'eps': d.pick([1e-8, 1e-3])} if d.chance(0.3) else {}),
        **({'weightDecay': d.pick([0.0, 0.01, 0.5])} if d.chance(0.4) else {}),
    },
    'Rprop': lambda d: {
        **({'etas': [d.pick([0.1, 0.5, 0.9]), d.pick([1.1, 1.2, 3.0])]} if d.chance(0.4) else {}),
        **({'stepSizes': [d.pick([0.0, 1e-6, 1e-3]), d.pick([0.01, 50.0])]} if d.chance(0.4) else {}),
        **({'maximize': True} if d.chance(0.2) else {}),
    },
    'ASGD': lambda d: {
        **({'lambd': d.pick([0.0, 1e-4, 0.1])} if d.chance(0.4) else {}),
        **({'alpha': d.pick([0.5, 0.75, 1.0])} if d.chance(0.4) else {}),
        **({'t0': d.pick([0.0, 1.0, 2.0, 1e6])} if d.chance(0.4) else {}),
        **({'weightDecay': d.pick([0.0, 0.01, 0.5])} if d.chance(0.4) else {}),
        **({'maximize': True} if d.chance(0.2) else {}),
    },
}
OPTION_SPACES['AdamW'] = OPTION_SPACES['Adam']

OPTIMIZERS = {name: getattr(torch.optim, name) for name in OPTION_SPACES}
LRS = [1e-3, 0.01, 0.1, 1.0, 0.5]
# SGD takes no default lr in 1.13; the others have one, and sometimes keep it.
NEEDS_LR = {'SGD'}


def record(t):
    return {'values': encode(t), 'shape': list(t.shape)}


def layout(d, t):
    """How a parameter or gradient is stored: contiguous, with its first and last dims swapped, or at an offset into a
    larger storage."""
    return d.pick(['contiguous', 'contiguous', 'contiguous', 'offset'] + (['transposed'] if t.dim() >= 2 else []))


def stored(t, lay):
    """A copy of t stored as `lay` says (a tensor with no history: a leaf once it requires grad)."""
    if lay == 'transposed':
        return t.clone().transpose(0, -1).contiguous().transpose(0, -1)
    if lay == 'offset':
        storage = torch.full([t.numel() + 3], 7.0, dtype=t.dtype)
        return storage[2:2 + t.numel()].view(t.shape).copy_(t).detach()
    return t.clone()


def gradient(d, shape, dtype):
    kind = d.pick(['normal', 'normal', 'normal', 'wide', 'ties', 'zeros', 'special'])
    if kind == 'zeros':
        return torch.zeros(shape, dtype=dtype)
    return d.values(shape, dtype, kind)


def draw_case(d, index):
    name = d.pick(sorted(OPTIMIZERS))
    dtype = d.pick([F32, F32, F64])
    space = OPTION_SPACES[name]
    n_params = d.pick([1, 2, 2, 3])
    shapes = [d.shape(0, 3, empty=0.05, most=24) for _ in range(n_params)]
    params = [d.values(s, F64, d.pick(['normal', 'unit', 'ties'])).to(dtype) for s in shapes]
    defaults = space(d)
    if name in NEEDS_LR or d.chance(0.6):
        defaults['lr'] = d.pick(LRS)
    order = list(range(n_params))
    d.r.shuffle(order)
    cut = d.r.randint(1, n_params) if n_params > 1 and d.chance(0.5) else n_params
    groups = [{'params': order[:cut], 'options': space(d) if d.chance(0.5) else {}}]
    if cut < n_params:
        groups.append({'params': order[cut:], 'options': {**space(d), **({'lr': d.pick(LRS)} if d.chance(0.5) else {})}})
    # Options that cannot go together in PyTorch (SGD's nesterov needs momentum and no dampening) are left alone.
    if name == 'SGD' and d.chance(0.3):
        for g in groups:
            merged = {**defaults, **g['options']}
            if merged.get('momentum', 0) > 0 and merged.get('dampening', 0) == 0:
                g['options']['nesterov'] = True

    # A parameter stored transposed or inside a larger storage (a leaf all the same) is updated in place there.
    layouts = [layout(d, p) for p in params]
    leaves = [stored(p, lay).requires_grad_(True) for p, lay in zip(params, layouts)]

    def build():
        return OPTIMIZERS[name]([{'params': [leaves[i] for i in g['params']], **py_options(g['options'])}
                                 for g in groups], **py_options(defaults))

    opt = build()
    steps = []
    for _ in range(d.r.randint(1, 6)):
        # Now and then training resumes: a new optimizer over the same parameters loads the last one's state dict.
        resume = len(steps) > 0 and d.chance(0.2)
        if resume:
            fresh = build()
            fresh.load_state_dict(opt.state_dict())
            opt = fresh
        lrs = None
        if d.chance(0.2):
            lrs = [d.pick(LRS) for _ in groups]
            for g, lr in zip(opt.param_groups, lrs):
                g['lr'] = lr
        grads = []
        for p in leaves:
            if d.chance(0.15):
                p.grad = None
                grads.append(None)
            else:
                g = gradient(d, list(p.shape), dtype)
                lay = layout(d, g)
                p.grad = stored(g, lay)
                grads.append({**record(g), 'layout': lay})
        with torch.no_grad():
            opt.step()
        steps.append({'resume': resume, 'lr': lrs, 'grads': grads, 'params': [record(p) for p in leaves]})
    return {
        'name': f'{index} {name} {DTYPES[dtype]}',
        'optimizer': name,
        'dtype': DTYPES[dtype],
        'defaults': defaults,
        'groups': groups,
        'params': [{**record(p), 'layout': lay} for p, lay in zip(params, layouts)],
        'steps': steps,
        'stateDict': encode_state_dict(opt.state_dict()),
    }


def main():
    args = fuzz_args(OUT, 300)
    d = Draw(args.seed)
    cases = [draw_case(d, i) for i in range(args.cases)]
    with open(args.out, 'w') as f:
        json.dump({'torch': torch.__version__, 'seed': args.seed, 'cases': cases}, f, separators=(',', ':'))
    print(f'wrote {len(cases)} cases to {args.out}')


if __name__ == '__main__':
    main()
