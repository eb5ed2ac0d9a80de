"""Golden fixtures for the optimizers: parameter trajectories, state dicts and error messages from PyTorch 1.13.

Regenerate with:

    /usr/bin/python3 tools/golden/optim.py

Writes packages/optim/test/fixtures/optim.json, read by packages/optim/test/optimizers.test.ts.

The model is two linear layers' worth of plain tensors (W1 [4, 3], b1 [4], W2 [2, 4], b2 [2]) and a frozen
`scale` [2] (requires_grad False: it never gets a gradient and must never move):

    h = tanh(x @ W1.T + b1);  out = (h @ W2.T + b2) * scale;  loss = ((out - y) ** 2).mean()

Each case runs one optimizer with two parameter groups ([W1, b1] and [W2, b2, scale]) for STEPS steps. Before
some steps a gradient is dropped (`p.grad = None`, see SKIP), so that parameter is skipped that step. After each
step the case records the gradients the optimizer saw and the parameters it produced. Options are spelled as
Kindling spells them (camelCase); `defaults` go to the constructor, `groups[i].options` override them per group.

Every case runs in float32 and float64, from the same float64 initial values (rounded for float32).
"""

import json
import math
import os
import re

import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from golden import encode, encode_number  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'optim', 'test', 'fixtures', 'optim.json')

STEPS = 8
SHAPES = {'W1': [4, 3], 'b1': [4], 'W2': [2, 4], 'b2': [2], 'scale': [2]}
GROUPS = [['W1', 'b1'], ['W2', 'b2', 'scale']]
FROZEN = ['scale']
# step index -> parameters whose gradient is dropped before that step
SKIP = {2: ['b1'], 4: ['W2', 'b1'], 5: ['b2']}

OPTIMIZERS = {
    'SGD': torch.optim.SGD,
    'Adam': torch.optim.Adam,
    'AdamW': torch.optim.AdamW,
    'RMSprop': torch.optim.RMSprop,
    'Adagrad': torch.optim.Adagrad,
    'Adadelta': torch.optim.Adadelta,
    'Adamax': torch.optim.Adamax,
    'NAdam': torch.optim.NAdam,
    'Rprop': torch.optim.Rprop,
    'ASGD': torch.optim.ASGD,
    'RAdam': torch.optim.RAdam,
}

# (name, optimizer, constructor options, [group 0 options, group 1 options])
CASES = [
    ('sgd', 'SGD', {'lr': 0.1}, [{}, {'lr': 0.05}]),
    ('sgd-momentum', 'SGD', {'lr': 0.05, 'momentum': 0.9}, [{}, {}]),
    ('sgd-dampening', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3}, [{}, {'dampening': 0.7}]),
    ('sgd-nesterov', 'SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}, [{}, {'momentum': 0.5}]),
    ('sgd-weight-decay', 'SGD', {'lr': 0.05, 'weightDecay': 0.1}, [{}, {'momentum': 0.5, 'weightDecay': 0.01}]),
    ('sgd-maximize', 'SGD', {'lr': 0.02, 'momentum': 0.8, 'maximize': True}, [{}, {'maximize': False}]),
    ('sgd-mixed-groups', 'SGD', {'lr': 0.05},
     [{'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.05}, {'momentum': 0.5, 'dampening': 0.5, 'lr': 0.1}]),
    ('adam', 'Adam', {'lr': 0.01}, [{}, {}]),
    ('adam-amsgrad', 'Adam', {'lr': 0.01, 'amsgrad': True}, [{}, {'lr': 0.02}]),
    ('adam-weight-decay', 'Adam', {'lr': 0.01, 'weightDecay': 0.1}, [{}, {'weightDecay': 0.3}]),
    ('adam-maximize', 'Adam', {'lr': 0.01, 'maximize': True}, [{}, {}]),
    ('adam-betas-eps', 'Adam', {'lr': 0.02, 'betas': [0.8, 0.99], 'eps': 1e-6},
     [{}, {'amsgrad': True, 'weightDecay': 0.05, 'betas': [0.5, 0.9]}]),
    ('adamw', 'AdamW', {'lr': 0.01}, [{}, {}]),
    ('adamw-amsgrad', 'AdamW', {'lr': 0.01, 'weightDecay': 0.1, 'amsgrad': True}, [{}, {'amsgrad': False}]),
    ('adamw-maximize', 'AdamW', {'lr': 0.01, 'maximize': True}, [{}, {'weightDecay': 0}]),
    ('rmsprop', 'RMSprop', {'lr': 0.01}, [{}, {}]),
    ('rmsprop-alpha', 'RMSprop', {'lr': 0.01, 'alpha': 0.9}, [{}, {'alpha': 0.5}]),
    ('rmsprop-centered', 'RMSprop', {'lr': 0.01, 'centered': True}, [{}, {}]),
    ('rmsprop-momentum', 'RMSprop', {'lr': 0.01, 'momentum': 0.5}, [{}, {'momentum': 0.9}]),
    ('rmsprop-centered-momentum-wd', 'RMSprop', {'lr': 0.01, 'centered': True, 'momentum': 0.9, 'weightDecay': 0.1},
     [{}, {'centered': False}]),
    ('rmsprop-maximize', 'RMSprop', {'lr': 0.01, 'maximize': True, 'eps': 1e-6}, [{}, {'alpha': 0.5}]),
    ('adagrad', 'Adagrad', {'lr': 0.1}, [{}, {}]),
    ('adagrad-lr-decay', 'Adagrad', {'lr': 0.1, 'lrDecay': 0.1}, [{}, {'lrDecay': 0.3}]),
    ('adagrad-weight-decay', 'Adagrad', {'lr': 0.1, 'weightDecay': 0.1}, [{}, {}]),
    ('adagrad-initial-accumulator', 'Adagrad', {'lr': 0.1, 'initialAccumulatorValue': 0.1}, [{}, {}]),
    # A group's own initial_accumulator_value is recorded but unused: the constructor's starts every sum.
    ('adagrad-group-initial-accumulator', 'Adagrad', {'lr': 0.1, 'initialAccumulatorValue': 0.5},
     [{}, {'initialAccumulatorValue': 3.0}]),
    ('adagrad-maximize-eps', 'Adagrad', {'lr': 0.1, 'maximize': True, 'eps': 1e-6}, [{}, {'lrDecay': 0.05}]),
    ('adadelta', 'Adadelta', {}, [{}, {'lr': 0.5}]),
    ('adadelta-rho-eps', 'Adadelta', {'rho': 0.5, 'eps': 1e-4}, [{}, {'rho': 0.95}]),
    ('adadelta-weight-decay-maximize', 'Adadelta', {'lr': 0.1, 'weightDecay': 0.1, 'maximize': True}, [{}, {}]),
    ('adamax', 'Adamax', {'lr': 0.05}, [{}, {'lr': 0.02}]),
    ('adamax-weight-decay-maximize', 'Adamax', {'lr': 0.05, 'weightDecay': 0.1, 'maximize': True}, [{}, {'betas': (0.8, 0.9)}]),
    ('nadam', 'NAdam', {'lr': 0.02}, [{}, {'momentumDecay': 0.01}]),
    ('nadam-weight-decay', 'NAdam', {'lr': 0.02, 'weightDecay': 0.1, 'betas': (0.85, 0.99)}, [{}, {'eps': 1e-6}]),
    ('radam', 'RAdam', {'lr': 0.02}, [{}, {}]),
    ('radam-rectified-early', 'RAdam', {'lr': 0.02, 'betas': (0.9, 0.6)}, [{}, {'weightDecay': 0.1}]),
    ('rprop', 'Rprop', {'lr': 0.01}, [{}, {'lr': 0.05}]),
    ('rprop-etas-step-sizes-maximize', 'Rprop', {'lr': 0.02, 'etas': (0.3, 1.5), 'stepSizes': (1e-3, 0.05),
                                                 'maximize': True}, [{}, {'etas': (0.6, 1.1)}]),
    ('asgd', 'ASGD', {'lr': 0.05}, [{}, {'lr': 0.1}]),
    ('asgd-averaging-weight-decay', 'ASGD', {'lr': 0.05, 't0': 3, 'lambd': 0.01, 'alpha': 0.5, 'weightDecay': 0.1},
     [{}, {'maximize': True}]),
]

DTYPES = {torch.float32: 'float32', torch.float64: 'float64'}


def snake(name):
    return re.sub(r'(?<!^)([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def py_options(options):
    return {snake(k): (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}


def values(t):
    return t.detach().double().reshape(-1).tolist()  # float32 values are exact as float64


def initial():
    g = torch.Generator().manual_seed(2024)
    params = {k: torch.randn(*s, generator=g, dtype=torch.float64) * 0.5 for k, s in SHAPES.items() if k != 'scale'}
    params['scale'] = torch.tensor([1.5, 0.75], dtype=torch.float64)
    x = torch.randn(5, 3, generator=g, dtype=torch.float64)
    y = torch.randn(5, 2, generator=g, dtype=torch.float64)
    return params, x, y


def loss_fn(p, x, y):
    h = torch.tanh(x.matmul(p['W1'].t()).add(p['b1']))
    out = h.matmul(p['W2'].t()).add(p['b2']).mul(p['scale'])
    return out.sub(y).pow(2).mean()


def json_value(v):
    """A state-dict entry as JSON: tensors with their values (NaN and infinities as golden.py writes them)."""
    if isinstance(v, torch.Tensor):
        return {'tensor': {'values': encode(v), 'shape': list(v.shape), 'dtype': DTYPES[v.dtype]}}
    if isinstance(v, (tuple, list)):
        return [json_value(x) for x in v]
    if isinstance(v, float):
        return encode_number(v)
    return v


def encode_state_dict(sd):
    return {
        'state': {str(i): {k: json_value(v) for k, v in s.items()} for i, s in sd['state'].items()},
        'param_groups': [{k: json_value(v) for k, v in g.items()} for g in sd['param_groups']],
    }


def run_case(name, opt_name, defaults, group_options, dtype):
    init, x64, y64 = initial()
    params = {k: v.to(dtype).clone().requires_grad_(k not in FROZEN) for k, v in init.items()}
    x, y = x64.to(dtype), y64.to(dtype)
    groups = [dict(params=[params[k] for k in names], **py_options(o)) for names, o in zip(GROUPS, group_options)]
    opt = OPTIMIZERS[opt_name](groups, **py_options(defaults))
    steps = []
    for step in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(params, x, y)
        loss.backward()
        for k in SKIP.get(step, []):
            params[k].grad = None
        grads = {k: (values(p.grad) if p.grad is not None else None) for k, p in params.items()}
        opt.step()
        steps.append({'loss': loss.item(), 'grads': grads, 'params': {k: values(p) for k, p in params.items()}})
    return {
        'name': name,
        'optimizer': opt_name,
        'dtype': DTYPES[dtype],
        'defaults': defaults,
        'groups': [{'params': names, 'options': o} for names, o in zip(GROUPS, group_options)],
        'steps': steps,
        'stateDict': encode_state_dict(opt.state_dict()),
    }


LBFGS_CASES = [
    ('lbfgs', {}),
    ('lbfgs strong wolfe', {'lineSearchFn': 'strong_wolfe'}),
    ('lbfgs short history, few iterations, lr 0.5', {'lr': 0.5, 'maxIter': 5, 'historySize': 3}),
    ('lbfgs strong wolfe, history 2', {'lineSearchFn': 'strong_wolfe', 'historySize': 2, 'maxIter': 8}),
]

# Error cases: Python run in PyTorch; the test triggers the same situation in Kindling.
ERRORS = {
    'sgd-negative-lr': "torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=-1)",
    'adam-negative-lr': "torch.optim.Adam([torch.ones(2, requires_grad=True)], lr=-0.5)",
    'sgd-negative-momentum': "torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=0.1, momentum=-0.5)",
    'sgd-negative-weight-decay': "torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=0.1, weight_decay=-0.1)",
    'sgd-nesterov-no-momentum': "torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=0.1, nesterov=True)",
    'sgd-nesterov-dampening':
        "torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)",
    'sgd-no-lr': "torch.optim.SGD([torch.ones(2, requires_grad=True)])",
    'adam-beta0': "torch.optim.Adam([torch.ones(2, requires_grad=True)], betas=(1.0, 0.999))",
    'adam-beta1': "torch.optim.Adam([torch.ones(2, requires_grad=True)], betas=(0.9, -0.5))",
    'adam-eps': "torch.optim.Adam([torch.ones(2, requires_grad=True)], eps=-1e-08)",
    'adamw-beta0': "torch.optim.AdamW([torch.ones(2, requires_grad=True)], betas=(1.5, 0.999))",
    'rmsprop-alpha': "torch.optim.RMSprop([torch.ones(2, requires_grad=True)], alpha=-0.25)",
    'rmsprop-momentum': "torch.optim.RMSprop([torch.ones(2, requires_grad=True)], momentum=-0.5)",
    'adagrad-lr-decay': "torch.optim.Adagrad([torch.ones(2, requires_grad=True)], lr_decay=-0.5)",
    'adagrad-initial-accumulator':
        "torch.optim.Adagrad([torch.ones(2, requires_grad=True)], initial_accumulator_value=-0.5)",
    'adadelta-rho': "torch.optim.Adadelta([torch.ones(2, requires_grad=True)], rho=1.5)",
    'adadelta-eps': "torch.optim.Adadelta([torch.ones(2, requires_grad=True)], eps=-1e-06)",
    'adamax-beta0': "torch.optim.Adamax([torch.ones(2, requires_grad=True)], betas=(1.0, 0.999))",
    'nadam-momentum-decay': "torch.optim.NAdam([torch.ones(2, requires_grad=True)], momentum_decay=-0.1)",
    'radam-eps': "torch.optim.RAdam([torch.ones(2, requires_grad=True)], eps=-1e-08)",
    'rprop-etas': "torch.optim.Rprop([torch.ones(2, requires_grad=True)], etas=(1.0, 1.2))",
    'asgd-weight-decay': "torch.optim.ASGD([torch.ones(2, requires_grad=True)], weight_decay=-0.1)",
    'lbfgs-groups': "torch.optim.LBFGS([{'params': [torch.ones(2, requires_grad=True)]}, {'params': [torch.ones(2, requires_grad=True)]}])",
    'empty-params': "torch.optim.SGD([], lr=0.1)",
    'tensor-as-params': "torch.optim.SGD(torch.ones(2, requires_grad=True), lr=0.1)",
    'non-leaf': "torch.optim.SGD([torch.ones(2, requires_grad=True) * 2], lr=0.1)",
    'not-a-tensor': "torch.optim.SGD([{'params': [torch.ones(2, requires_grad=True), 1.5]}], lr=0.1)",
    'duplicate-groups': """
p = torch.ones(2, requires_grad=True)
torch.optim.SGD([{'params': [p]}, {'params': [p]}], lr=0.1)""",
    'add-param-group-duplicate': """
p = torch.ones(2, requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1)
opt.add_param_group({'params': [p], 'lr': 0.01})""",
    'state-dict-group-count': """
a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
sd = torch.optim.SGD([{'params': [a]}, {'params': [b]}], lr=0.1).state_dict()
torch.optim.SGD([a, b], lr=0.1).load_state_dict(sd)""",
    'state-dict-group-size': """
a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
sd = torch.optim.SGD([a], lr=0.1).state_dict()
torch.optim.SGD([a, b], lr=0.1).load_state_dict(sd)""",
}


def run_errors():
    out = {}
    for name, code in ERRORS.items():
        try:
            exec(code.strip(), {'torch': torch})  # noqa: S102 - the cases above, nothing else
        except Exception as e:  # noqa: BLE001 - recording whatever PyTorch raises
            out[name] = {'python': code.strip(), 'error': type(e).__name__, 'message': str(e)}
        else:
            raise AssertionError(f'{name}: PyTorch raised nothing')
    return out


def lbfgs_case(name, dtype, options, steps=4):
    """LBFGS on the fixture's model, one closure-driven step() at a time: the loss each step returned, the
    parameters after it, and the state's keys and counters."""
    init, x64, y64 = initial()
    params = {k: v.to(dtype).clone().requires_grad_(k not in FROZEN) for k, v in init.items()}
    x, y = x64.to(dtype), y64.to(dtype)
    trained = [params[k] for k in SHAPES if k not in FROZEN]
    opt = torch.optim.LBFGS(trained, **py_options(options))

    def closure():
        opt.zero_grad()
        loss = loss_fn(params, x, y)
        loss.backward()
        return loss

    records = []
    for _ in range(steps):
        loss = opt.step(closure)
        records.append({'loss': loss.item(), 'params': {k: values(p) for k, p in params.items()}})
    state = opt.state[trained[0]]
    return {
        'name': name, 'dtype': DTYPES[dtype], 'options': options, 'trained': [k for k in SHAPES if k not in FROZEN],
        'steps': records, 'stateKeys': list(state.keys()),
        'funcEvals': state['func_evals'], 'nIter': state['n_iter'],
        'paramGroupKeys': list(opt.state_dict()['param_groups'][0].keys()),
    }


def main():
    init, x, y = initial()
    cases = [run_case(name, opt, d, g, dt)
             for name, opt, d, g in CASES for dt in (torch.float32, torch.float64)]
    for c in cases:
        for s in c['steps']:
            for v in s['params'].values():
                assert all(math.isfinite(a) for a in v), c['name']
    fixture = {
        'steps': STEPS,
        'shapes': SHAPES,
        'frozen': FROZEN,
        'skip': {str(k): v for k, v in SKIP.items()},
        'initial': {k: values(v) for k, v in init.items()},
        'x': values(x),
        'y': values(y),
        'cases': cases,
        'errors': run_errors(),
        'lbfgs': [lbfgs_case(n, dt, o) for n, o in LBFGS_CASES for dt in (torch.float64, torch.float32)],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
    print(f'wrote {len(cases)} trajectories and {len(ERRORS)} error cases to {os.path.normpath(OUT)}')


if __name__ == '__main__':
    main()
